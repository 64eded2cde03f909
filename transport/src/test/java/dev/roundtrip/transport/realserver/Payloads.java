package dev.roundtrip.transport.realserver;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

import dev.roundtrip.transport.Request;

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

	/**
	 * A request body of {@code bytes} with no length (so sent chunked), written in pieces
	 * of {@code piece} bytes, each flushed.
	 */
	public static Request.Body streamed(byte[] bytes, int piece) {
		return new Request.Body() {

			@Override
			public long contentLength() {
				return -1;
			}

			@Override
			public void writeTo(OutputStream out) throws IOException {
				for (int offset = 0; offset < bytes.length; offset += piece) {
					out.write(bytes, offset, Math.min(piece, bytes.length - offset));
					out.flush();
				}
			}

		};
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
