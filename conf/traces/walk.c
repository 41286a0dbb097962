/*
 * The program behind walk.lackey.gz (see make-traces.sh): it allocates 2 MiB, writes one byte of
 * each of its 512 pages, then reads the first 64 pages (256 KiB) eight times over. Its trace shows a
 * burst of first touches followed by a small hot working set, plus the pages of its own code, data
 * and stack.
 */
#include <stdlib.h>

int main(void) {
    enum { PAGE = 4096, PAGES = 512, HOT = 64, ROUNDS = 8 };
    volatile char *a = malloc((size_t)PAGES * PAGE);
    if (a == NULL) {
        return 2;
    }
    for (int p = 0; p < PAGES; p++) {
        a[(size_t)p * PAGE] = (char)p;
    }
    long sum = 0;
    for (int r = 0; r < ROUNDS; r++) {
        for (int p = 0; p < HOT; p++) {
            sum += a[(size_t)p * PAGE];
        }
    }
    return (int)(sum & 1);
}
