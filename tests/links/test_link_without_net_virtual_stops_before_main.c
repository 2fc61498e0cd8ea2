/* Run with rejected_without_net_virtual.sf, a scenario whose link line has
 * no `net virtual`: the shim must stop the program before main with exit
 * status 2 (the CMake test checks the status and the FILE:LINE:COL
 * message).  Reaching main is the failure. */
#include <stdio.h>

int main(void)
{
	printf("main ran\n");
	return 1;
}
