# bash completion for sockfault(1): commands, each command's options (read
# from `sockfault COMMAND --help`, so they never drift from the program),
# option values, scenario (*.sf) and suite (*.sfs) files, and after `--` the
# program to run with its own completion.  Installed as
# share/bash-completion/completions/sockfault.

_sockfault_options()
{
	# Option names from the lines of the options list ("  -s, --scenario FILE").
	"$1" "$2" --help 2>/dev/null | sed -n 's/^  \(-[a-zA-Z]\), \(--[a-z][a-z-]*\).*/\1 \2/p; s/^      \(--[a-z][a-z-]*\).*/\1/p'
}

_sockfault_files()
{
	local IFS=$'\n'
	COMPREPLY=($(compgen -f -X "!*.$1" -- "$2") $(compgen -d -- "$2"))
	compopt -o filenames 2>/dev/null
}

_sockfault()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local prog=${COMP_WORDS[0]} cmd=${COMP_WORDS[1]} i
	COMPREPLY=()
	if ((COMP_CWORD == 1)); then
		COMPREPLY=($(compgen -W "run check suite fuzz-to-scenario pcap-to-input report version --help --version" -- "$cur"))
		return
	fi
	if [[ $cmd == run ]]; then
		# After `--`: the program and its arguments, completed as bash would.
		for ((i = 2; i < COMP_CWORD; i++)); do
			if [[ ${COMP_WORDS[i]} == -- ]]; then
				if ((i + 1 == COMP_CWORD)); then
					COMPREPLY=($(compgen -c -- "$cur"))
				elif declare -F _command_offset >/dev/null; then
					_command_offset $((i + 1))
				else
					COMPREPLY=($(compgen -f -- "$cur"))
					compopt -o filenames 2>/dev/null
				fi
				return
			fi
		done
	fi
	case $prev in
	-s | --scenario) _sockfault_files sf "$cur"; return ;;
	--net) COMPREPLY=($(compgen -W "kernel virtual" -- "$cur")); return ;;
	--side) COMPREPLY=($(compgen -W "server client" -- "$cur")); return ;;
	--log-events) COMPREPLY=($(compgen -W "faults all" -- "$cur")); return ;;
	--title) return ;;
	--seed | --pcap-mtu | -j | --jobs | --shard) return ;;
	--log | --summary | --pcap | --fuzz | --junit | --report | --output | -o)
		COMPREPLY=($(compgen -f -- "$cur"))
		compopt -o filenames 2>/dev/null
		return ;;
	--artifacts) COMPREPLY=($(compgen -d -- "$cur")); compopt -o filenames 2>/dev/null; return ;;
	esac
	if [[ $cur == -* ]]; then
		local opts
		opts=$(_sockfault_options "$prog" "$cmd")
		[[ $cmd == run ]] && opts+=" --"
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return
	fi
	case $cmd in
	check) _sockfault_files sf "$cur" ;;
	suite) _sockfault_files sfs "$cur" ;;
	fuzz-to-scenario | pcap-to-input | report) COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null ;;
	esac
}
complete -F _sockfault sockfault
