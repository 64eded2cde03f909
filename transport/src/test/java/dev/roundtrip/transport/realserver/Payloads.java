package dev.roundtrip.transport.realserver;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/**
 * Bodies whose every byte a test can predict: seeded, printable, and compressible the way
 * text is, so gzip shrinks them but not to nothing.
 */
public final class Payloads {

	private static final byte[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789 ".getBytes();

	private Payloads() {
	}

	/**
	 * {@code size} bytes of lines of seeded words; the same arguments always give the
	 * same bytes.
	 */
	public static byte[] text(int size, long seed) {
		SplittableRandom random = new SplittableRandom(seed);
		byte[] bytes = new byte[size];
		for (int i = 0; i < size; i++) {
			bytes[i] = ((i + 1) % 64 == 0) ? (byte) '\n' : ALPHABET[random.nextInt(ALPHABET.length)];
		}
		return bytes;
	}

	/** {@code bytes} gzipped. */
	public static byte[] gzip(byte[] bytes) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
			gzip.write(bytes);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return out.toByteArray();
	}

}
