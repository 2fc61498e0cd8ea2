/* The tables behind calls.h: call and family names, the call -> family map,
 * and errno names with the per-family errno sets from errnos.def. */
#include "core/calls.h"

#include <errno.h>
#include <string.h>

const char *const sf_call_names[SF_CALL_COUNT] = {
#define SF_X(c, f) [SF_CALL_##c] = #c,
	SF_CALL_LIST(SF_X)
#undef SF_X
};

const char *const sf_family_names[SF_FAM_COUNT] = {
#define SF_X(f) [SF_FAM_##f] = #f,
	SF_FAMILY_LIST(SF_X)
#undef SF_X
};

const enum sf_family sf_call_family[SF_CALL_COUNT] = {
#define SF_X(c, f) [SF_CALL_##c] = SF_FAM_##f,
	SF_CALL_LIST(SF_X)
#undef SF_X
};

uint64_t sf_family_calls(enum sf_family f)
{
	uint64_t mask = 0;
	for (int c = 0; c < SF_CALL_COUNT; c++)
		if (sf_call_family[c] == f)
			mask |= 1ull << c;
	return mask;
}

/* Every errno Linux defines; canonical names first, so that sf_errno_name()
 * prefers EAGAIN over EWOULDBLOCK and EOPNOTSUPP over ENOTSUP. */
#define SF_ERRNO_LIST(X) \
	X(EPERM) X(ENOENT) X(ESRCH) X(EINTR) X(EIO) X(ENXIO) X(E2BIG) X(ENOEXEC) X(EBADF) \
	X(ECHILD) X(EAGAIN) X(ENOMEM) X(EACCES) X(EFAULT) X(ENOTBLK) X(EBUSY) X(EEXIST) X(EXDEV) \
	X(ENODEV) X(ENOTDIR) X(EISDIR) X(EINVAL) X(ENFILE) X(EMFILE) X(ENOTTY) X(ETXTBSY) X(EFBIG) \
	X(ENOSPC) X(ESPIPE) X(EROFS) X(EMLINK) X(EPIPE) X(EDOM) X(ERANGE) X(EDEADLK) \
	X(ENAMETOOLONG) X(ENOLCK) X(ENOSYS) X(ENOTEMPTY) X(ELOOP) X(ENOMSG) X(EIDRM) X(ECHRNG) \
	X(EL2NSYNC) X(EL3HLT) X(EL3RST) X(ELNRNG) X(EUNATCH) X(ENOCSI) X(EL2HLT) X(EBADE) X(EBADR) \
	X(EXFULL) X(ENOANO) X(EBADRQC) X(EBADSLT) X(EBFONT) X(ENOSTR) X(ENODATA) X(ETIME) X(ENOSR) \
	X(ENONET) X(ENOPKG) X(EREMOTE) X(ENOLINK) X(EADV) X(ESRMNT) X(ECOMM) X(EPROTO) \
	X(EMULTIHOP) X(EDOTDOT) X(EBADMSG) X(EOVERFLOW) X(ENOTUNIQ) X(EBADFD) X(EREMCHG) \
	X(ELIBACC) X(ELIBBAD) X(ELIBSCN) X(ELIBMAX) X(ELIBEXEC) X(EILSEQ) X(ERESTART) X(ESTRPIPE) \
	X(EUSERS) X(ENOTSOCK) X(EDESTADDRREQ) X(EMSGSIZE) X(EPROTOTYPE) X(ENOPROTOOPT) \
	X(EPROTONOSUPPORT) X(ESOCKTNOSUPPORT) X(EOPNOTSUPP) X(EPFNOSUPPORT) X(EAFNOSUPPORT) \
	X(EADDRINUSE) X(EADDRNOTAVAIL) X(ENETDOWN) X(ENETUNREACH) X(ENETRESET) X(ECONNABORTED) \
	X(ECONNRESET) X(ENOBUFS) X(EISCONN) X(ENOTCONN) X(ESHUTDOWN) X(ETOOMANYREFS) X(ETIMEDOUT) \
	X(ECONNREFUSED) X(EHOSTDOWN) X(EHOSTUNREACH) X(EALREADY) X(EINPROGRESS) X(ESTALE) \
	X(EUCLEAN) X(ENOTNAM) X(ENAVAIL) X(EISNAM) X(EREMOTEIO) X(EDQUOT) X(ENOMEDIUM) \
	X(EMEDIUMTYPE) X(ECANCELED) X(ENOKEY) X(EKEYEXPIRED) X(EKEYREVOKED) X(EKEYREJECTED) \
	X(EOWNERDEAD) X(ENOTRECOVERABLE) X(ERFKILL) X(EWOULDBLOCK) X(ENOTSUP) X(EDEADLOCK)

static const struct {
	const char *name;
	int value;
} errno_table[] = {
#define SF_X(e) {#e, e},
	SF_ERRNO_LIST(SF_X)
#undef SF_X
};

int sf_errno_from_name(const char *name, unsigned len)
{
	for (size_t i = 0; i < sizeof(errno_table) / sizeof(errno_table[0]); i++)
		if (strlen(errno_table[i].name) == len && memcmp(errno_table[i].name, name, len) == 0)
			return errno_table[i].value;
	return -1;
}

const char *sf_errno_name(int e)
{
	for (size_t i = 0; i < sizeof(errno_table) / sizeof(errno_table[0]); i++)
		if (errno_table[i].value == e)
			return errno_table[i].name;
	return NULL;
}

static const struct {
	enum sf_family family;
	int value;
} may_return[] = {
#define SF_MAY(f, e) {SF_FAM_##f, e},
#include "core/errnos.def"
#undef SF_MAY
};

int sf_family_may_return(enum sf_family f, int e)
{
	for (size_t i = 0; i < sizeof(may_return) / sizeof(may_return[0]); i++)
		if (may_return[i].family == f && may_return[i].value == e)
			return 1;
	return 0;
}
