"""Writes the NumPy reference fixtures read by org.momentumrnn4j.io.NpyFixtureTest.

Generated once, then committed; the Java tests never run Python. Regenerate with
(from the repository root, numpy 1.24.2 on CPython 3.11, Debian 12 python3-numpy):

    /usr/bin/python3 src/test/resources/npy/make_fixtures.py

The values are fixed literals so the Java test can state them; the .npy files are compared byte for
byte with what Npy.write produces (except the Fortran-order, big-endian and v2.0/v3.0 files, which
Npy only reads). The .npz files carry zip timestamps, so only their contents are compared.
"""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def save(name, array):
    np.save(os.path.join(HERE, name), array, allow_pickle=False)


def write_version(name, array, version):
    with open(os.path.join(HERE, name), "wb") as f:
        np.lib.format.write_array(f, array, version=version, allow_pickle=False)


f4_2x3 = np.array([[-1.0, -0.5, 0.0], [0.5, 1.0, 1.5]], dtype="<f4")
f8_4 = np.array([0.1, -2.5, 1e-300, np.inf], dtype="<f8")
i8_2x2 = np.array([[1, -2], [3, 1 << 40]], dtype="<i8")
i4_3 = np.array([7, -8, 2147483647], dtype="<i4")
u1_2x2 = np.array([[0, 1], [128, 255]], dtype="|u1")
b1_3 = np.array([True, False, True], dtype="|b1")
f8_scalar = np.array(3.25, dtype="<f8")
f4_0x3 = np.zeros((0, 3), dtype="<f4")
i8_2x3x4 = np.arange(24, dtype="<i8").reshape(2, 3, 4) - 12

save("f4_2x3.npy", f4_2x3)
save("f8_4.npy", f8_4)
save("i8_2x2.npy", i8_2x2)
save("i4_3.npy", i4_3)
save("u1_2x2.npy", u1_2x2)
save("b1_3.npy", b1_3)
save("f8_scalar.npy", f8_scalar)
save("f4_0x3.npy", f4_0x3)
save("i8_2x3x4.npy", i8_2x3x4)
# Rank 15: long enough that numpy's 21-digit spare space for the first axis pushes the header from 128
# to 192 bytes, so a writer that omits it is caught.
save("f4_rank15.npy", np.arange(10, dtype="<f4").reshape((10,) + (1,) * 14))

# Read-only cases: Fortran order, big-endian, and the 2.0 / 3.0 header versions.
f8_fortran = np.asfortranarray(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype="<f8"))
assert f8_fortran.flags.f_contiguous and not f8_fortran.flags.c_contiguous
save("f8_fortran_2x3.npy", f8_fortran)
f8_fortran_2x3x2 = np.asfortranarray(np.arange(12, dtype="<f8").reshape(2, 3, 2))
save("f8_fortran_2x3x2.npy", f8_fortran_2x3x2)
save("f8_big_endian_3.npy", np.array([1.5, -2.0, 1e10], dtype=">f8"))
save("f4_big_endian_2.npy", np.array([0.25, -3.0], dtype=">f4"))
write_version("f4_v2_2x2.npy", np.array([[1.0, 2.0], [3.0, 4.0]], dtype="<f4"), (2, 0))
write_version("i4_v3_2.npy", np.array([5, -6], dtype="<i4"), (3, 0))

# Archives: entry order is the keyword order (not alphabetical), to test that it is kept.
weights = np.array([[0.5, -1.0, 2.0], [4.0, -8.0, 16.0]], dtype="<f4")
steps = np.array([3, 1, 2], dtype="<i8")
np.savez(os.path.join(HERE, "pair.npz"), weights=weights, steps=steps)
np.savez_compressed(os.path.join(HERE, "pair_compressed.npz"), weights=weights, steps=steps)

print("numpy", np.__version__)
