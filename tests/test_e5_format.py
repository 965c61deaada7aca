import numpy as np

from hadath.nlp.e5 import dequantize_q4


def test_q4_block_dequantizes_low_nibbles_first_then_high():
    scale = np.float16(0.5)
    nibbles = np.arange(16, dtype=np.uint8)            # low nibble j -> weight j
    packed = nibbles | (((15 - nibbles) << 4) & 0xF0)  # high nibble -> weight j + 16
    raw = memoryview(scale.tobytes() + packed.astype(np.uint8).tobytes())
    values = dequantize_q4(raw, 32)
    expected = np.concatenate([(nibbles.astype(int) - 8) * 0.5, ((15 - nibbles).astype(int) - 8) * 0.5])
    np.testing.assert_allclose(values, expected)
