/* A stand-in for Windows' bcryptprimitives.dll, for running the course's Windows build
 * under Wine 8 (Debian 12's), which does not ship that DLL.
 *
 * Rust's standard library (since 1.78) asks bcryptprimitives.dll for ProcessPrng to get
 * random bytes (for HashMap seeds, among others). Windows has it; Wine 8 does not, so
 * every Rust program fails to start there. This file exports ProcessPrng and fills the
 * buffer with advapi32's SystemFunction036 (RtlGenRandom), which Wine does have.
 *
 * Only CI's Wine run uses it (.ci/run builds it with mingw); a real Windows never sees
 * it. Documented in CONTRIBUTING.md. */
#include <windows.h>

typedef BOOLEAN (WINAPI *rtl_gen_random_fn)(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    static rtl_gen_random_fn rtl_gen_random;
    if (!rtl_gen_random) {
        HMODULE advapi = LoadLibraryA("advapi32.dll");
        if (!advapi)
            return FALSE;
        rtl_gen_random = (rtl_gen_random_fn)GetProcAddress(advapi, "SystemFunction036");
        if (!rtl_gen_random)
            return FALSE;
    }
    /* SystemFunction036 takes a ULONG length: fill a large buffer in pieces. */
    while (length > 0) {
        ULONG piece = length > 0x7fffffff ? 0x7fffffff : (ULONG)length;
        if (!rtl_gen_random(data, piece))
            return FALSE;
        data += piece;
        length -= piece;
    }
    return TRUE;
}
