package dev.roundtrip.transport.internal;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.roundtrip.transport.internal.InflatingBody.Coding;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decoder on its own, over an encoded source whose reads end wherever the test says:
 * the outcome of every input must be the same however the bytes arrive, which
 * {@code GZIPInputStream} does not guarantee (it drops what follows a member when that is
 * in the same buffer).
 */
class InflatingBodyTests {

	private static final byte[] TEXT = "hello, inflating world! ".repeat(40).getBytes(StandardCharsets.UTF_8);

	static Stream<Arguments> inputs() throws IOException {
		byte[] gzip = gzip(TEXT);
		byte[] twoMembers = concat(gzip, gzip(TEXT));
		byte[] truncatedSecond = concat(gzip, Arrays.copyOf(gzip, 12));
		byte[] flipped = gzip.clone();
		flipped[gzip.length - 6] ^= 1;
		return Stream.of(Arguments.of("gzip", Coding.GZIP, gzip, "ok:" + TEXT.length),
				Arguments.of("two gzip members", Coding.GZIP, twoMembers, "ok:" + 2 * TEXT.length),
				Arguments.of("gzip then junk", Coding.GZIP, concat(gzip, ascii("junk")),
						"ZipException:response body has bytes after the end of its gzip stream"),
				Arguments.of("gzip then one byte", Coding.GZIP, concat(gzip, new byte[] { 0 }),
						"ZipException:response body has bytes after the end of its gzip stream"),
				Arguments.of("gzip then a truncated member", Coding.GZIP, truncatedSecond,
						"EOFException:gzip response body is truncated: it ended in its compressed data"),
				Arguments.of("gzip then a truncated header", Coding.GZIP, concat(gzip, Arrays.copyOf(gzip, 5)),
						"EOFException:gzip response body is truncated: it ended in its header"),
				Arguments.of("gzip cut in its data", Coding.GZIP, Arrays.copyOf(gzip, gzip.length / 2),
						"EOFException:gzip response body is truncated: it ended in its compressed data"),
				Arguments.of("gzip cut in its trailer", Coding.GZIP, Arrays.copyOf(gzip, gzip.length - 3),
						"EOFException:gzip response body is truncated: it ended in its trailer"),
				Arguments.of("gzip with a wrong CRC", Coding.GZIP, flipped,
						"ZipException:response body is not valid gzip: CRC-32 mismatch"),
				Arguments.of("not gzip", Coding.GZIP, ascii("plain text"),
						"ZipException:response body is not valid gzip: it does not start with the gzip magic bytes"),
				Arguments.of("empty gzip", Coding.GZIP, new byte[0], "ok:0"),
				Arguments.of("zlib", Coding.DEFLATE, deflate(TEXT, false), "ok:" + TEXT.length),
				Arguments.of("raw deflate", Coding.DEFLATE, deflate(TEXT, true), "ok:" + TEXT.length),
				Arguments.of("zlib then junk", Coding.DEFLATE, concat(deflate(TEXT, false), ascii("x")),
						"ZipException:response body has bytes after the end of its deflate stream"),
				Arguments.of("empty deflate", Coding.DEFLATE, new byte[0], "ok:0"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("inputs")
	void outcomeIsTheSameWhereverTheReadsSplitTheBytes(String name, Coding coding, byte[] encoded, String expected) {
		// The caller's reads vary too: a small one leaves output pending in the inflater.
		for (int callerRead : new int[] { 333, 7, 1 }) {
			assertThat(decode(coding, encoded, List.of(encoded.length), callerRead)).as("one read").isEqualTo(expected);
			assertThat(decode(coding, encoded, List.of(1), callerRead)).as("one byte per read").isEqualTo(expected);
			for (int split = 1; split < encoded.length; split += (callerRead == 333) ? 1 : 17) {
				assertThat(decode(coding, encoded, List.of(split, encoded.length), callerRead))
					.as("split after byte " + split + ", caller reads of " + callerRead)
					.isEqualTo(expected);
			}
		}
	}

	@Test
	void aDecodingFailureFailsTheEncodedSourceOnce() {
		Source source = new Source(ascii("not gzip at all"), List.of(100));
		InflatingBody body = new InflatingBody(source, Coding.GZIP);
		for (int i = 0; i < 2; i++) {
			try {
				body.read(new byte[10], 0, 10);
			}
			catch (IOException ex) {
				assertThat(ex).isInstanceOf(ZipException.class);
			}
		}
		assertThat(source.failures).hasSize(1);
	}

	@Test
	void aTruncatedBodyIsAnEofException() {
		Source source = new Source(new byte[] { 0x1f }, List.of(1));
		InflatingBody body = new InflatingBody(source, Coding.GZIP);
		try {
			body.read(new byte[10], 0, 10);
		}
		catch (IOException ex) {
			assertThat(ex).isInstanceOf(EOFException.class);
		}
		assertThat(source.failures).hasSize(1);
	}

	/**
	 * "ok:&lt;decoded length&gt;" with the text checked, or the failure's type and
	 * message.
	 */
	private static String decode(Coding coding, byte[] encoded, List<Integer> readSizes, int callerRead) {
		Source source = new Source(encoded, readSizes);
		InflatingBody body = new InflatingBody(source, coding);
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		byte[] chunk = new byte[callerRead];
		try {
			int n;
			while ((n = body.read(chunk, 0, chunk.length)) != -1) {
				out.write(chunk, 0, n);
			}
			byte[] decoded = out.toByteArray();
			for (int i = 0; i < decoded.length; i++) {
				if (decoded[i] != TEXT[i % TEXT.length]) {
					return "corrupt at " + i;
				}
			}
			return (source.failures.isEmpty() && source.finished == 1) ? "ok:" + decoded.length
					: "ended with " + source.failures.size() + " failures, finished " + source.finished + " times";
		}
		catch (IOException ex) {
			return (source.failures.size() == 1) ? ex.getClass().getSimpleName() + ":" + ex.getMessage()
					: "source failed " + source.failures.size() + " times: " + ex;
		}
	}

	/**
	 * Returns the bytes in reads of the given sizes, the last size repeating; records
	 * failures.
	 */
	private static final class Source implements InflatingBody.EncodedSource {

		private final byte[] bytes;

		private final List<Integer> sizes;

		private int pos;

		private int reads;

		final List<IOException> failures = new ArrayList<>();

		int finished;

		Source(byte[] bytes, List<Integer> sizes) {
			this.bytes = bytes;
			this.sizes = sizes;
		}

		@Override
		public int read(byte[] b, int off, int len) {
			if (this.pos == this.bytes.length) {
				return -1;
			}
			int size = this.sizes.get(Math.min(this.reads++, this.sizes.size() - 1));
			int n = Math.min(len, Math.min(size, this.bytes.length - this.pos));
			if (this.reads == 1 && this.sizes.size() > 1) {
				n = Math.min(len, this.sizes.get(0));
			}
			System.arraycopy(this.bytes, this.pos, b, off, n);
			this.pos += n;
			return n;
		}

		@Override
		public void decodeWith() {
		}

		@Override
		public void decodingFinished() {
			this.finished++;
		}

		@Override
		public void failDecoding(IOException failure) {
			this.failures.add(failure);
		}

		@Override
		public void close() {
		}

	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

	private static byte[] concat(byte[] a, byte[] b) {
		byte[] out = Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, out, a.length, b.length);
		return out;
	}

	static byte[] gzip(byte[] bytes) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
			gzip.write(bytes);
		}
		return out.toByteArray();
	}

	static byte[] deflate(byte[] bytes, boolean raw) {
		Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, raw);
		deflater.setInput(bytes);
		deflater.finish();
		byte[] out = new byte[bytes.length + 64];
		int n = deflater.deflate(out);
		deflater.end();
		return Arrays.copyOf(out, n);
	}

}
