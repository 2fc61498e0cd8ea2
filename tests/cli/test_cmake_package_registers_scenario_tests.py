"""The installed CMake package: after `cmake --install` into a prefix, a
project configured with CMAKE_PREFIX_PATH=prefix finds sockfault, and the
tests sockfault_add_scenario_test() registers run the program under the
shim and pass or fail on its exit status and timeout."""
import os
import subprocess
import xml.etree.ElementTree as ET
from clicase import *

CMAKE, CTEST, BUILD = os.environ["SF_CMAKE"], os.environ["SF_CTEST"], os.environ["SF_BUILD_DIR"]
tmp = scratch("sfpkg.")
prefix, build = os.path.join(tmp, "prefix"), os.path.join(tmp, "build")


def step(*argv):
    r = subprocess.run(argv, capture_output=True, text=True, env=clean_env(), timeout=600)
    expect(r.returncode == 0, f"{' '.join(argv)}\n{show(r)}")
    return r


step(CMAKE, "--install", BUILD, "--prefix", prefix)
step(CMAKE, "-S", os.path.join(SRC, "tests", "cli", "package_consumer"), "-B", build,
     f"-DCMAKE_PREFIX_PATH={prefix}", f"-DPYTHON3={PY}")
report = os.path.join(tmp, "ctest.xml")
r = subprocess.run([CTEST, "--test-dir", build, "--output-junit", report, "--output-on-failure"],
                   capture_output=True, text=True, env=clean_env(), timeout=600)
expect(r.returncode != 0, f"ctest passed although fail_* tests exist\n{show(r)}")
results = {}
for tc in ET.parse(report).getroot().iter("testcase"):
    results[tc.get("name")] = tc.get("status") == "run" and tc.find("failure") is None
expect(len(results) == 6, f"{results}\n{show(r)}")
for name, passed in results.items():
    expect(passed == name.startswith("pass_"), f"{name} {'passed' if passed else 'failed'}\n{show(r)}")
# The scenario really was applied, through the installed shim.
expect("ConnectionRefusedError" in r.stdout, show(r))
expect("exit status 0, expected 4" not in r.stdout and "exit status 3, expected 4" in r.stdout, show(r))
print("ok", results)
