package dev.roundtrip.transport.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz targets for the response codec: the status line and headers, and each body framing
 * (fixed length, chunked with extensions and trailers, until close, gzip over each), read
 * through the real {@code Http1Source} from memory as {@code Exchange} reads a connection
 * ({@link CodecRun}).
 *
 * <p>
 * Each input is run several ways, and each run must give the same {@link Outcome}: the
 * whole wire in one socket read; a buffer size, socket read sizes and body read sizes
 * picked by the fuzzer; and, in the regression replay, one byte per socket read and per
 * body read through a one-byte buffer, and the wire split in two at every boundary. The
 * whole-wire run must agree with the {@link ReferenceParser}: the same responses, bodies,
 * trailers, message ends and reuse, or the same class of failure. {@link CodecRun} checks
 * the rest on the way: only the transport's own {@code IOException}s, no body byte after
 * a framing error, a connection reused only after a message that ended exactly.
 *
 * <p>
 * An input is {@value #CONFIG_BYTES} bytes of configuration then the bytes of the target:
 * method, header limit, buffer size, two socket read sizes, two body read sizes and one
 * target-specific byte (see {@link #reading}). {@code verify} replays the committed
 * inputs under {@code src/test/resources/.../ResponseFuzzTestsInputs/<target>/}; the
 * {@code fuzz} profile runs a campaign (README, "Fuzzing").
 */
class ResponseFuzzTests {

	static final int CONFIG_BYTES = 8;

	/** Whether Jazzer is fuzzing rather than replaying its inputs. */
	private static final boolean FUZZING = isSet(System.getenv("JAZZER_FUZZ"))
			|| isSet(System.getProperty("JAZZER_FUZZ"));

	/** Inputs longer than this are not split at every boundary in the replay. */
	private static final int MAX_SPLIT_ALL = 4096;

	@FuzzTest(maxDuration = "10m")
	void anyResponse(byte[] input) {
		check(wireOf(input), input);
	}

	@FuzzTest(maxDuration = "10m")
	void fixedLengthBody(byte[] input) {
		byte[] body = wireOf(input);
		int length = (config(input, 7) == 0) ? body.length : config(input, 7) - 1;
		check(concat(ascii("HTTP/1.1 200 OK\r\nContent-Length: " + length + "\r\n\r\n"), body), input);
	}

	@FuzzTest(maxDuration = "10m")
	void chunkedBody(byte[] input) {
		check(concat(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"), wireOf(input)), input);
	}

	@FuzzTest(maxDuration = "10m")
	void untilCloseBody(byte[] input) {
		String head = switch (config(input, 7) % 3) {
			case 0 -> "HTTP/1.1 200 OK\r\n\r\n";
			case 1 -> "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n";
			default -> "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n";
		};
		check(concat(ascii(head), wireOf(input)), input);
	}

	/** The target's bytes are a gzip body, framed as {@link #encodedBody} says. */
	@FuzzTest(maxDuration = "10m")
	void gzipBody(byte[] input) {
		encodedBody(input, "gzip");
	}

	/** The target's bytes are a deflate body, framed as {@link #encodedBody} says. */
	@FuzzTest(maxDuration = "10m")
	void deflateBody(byte[] input) {
		encodedBody(input, "deflate");
	}

	/**
	 * The target's bytes are the encoded body; the last configuration byte picks its
	 * framing: exact {@code Content-Length}, chunked (in chunks of the first socket read
	 * size, some with extensions, and a trailer), delimited by close, or exact length
	 * followed by a second response on the same connection.
	 */
	private static void encodedBody(byte[] input, String coding) {
		byte[] encoded = wireOf(input);
		String head = "HTTP/1.1 200 OK\r\nContent-Encoding: " + coding + "\r\n";
		byte[] wire = switch (config(input, 7) % 4) {
			case 0 -> concat(ascii(head + "Content-Length: " + encoded.length + "\r\n\r\n"), encoded);
			case 1 -> concat(ascii(head + "Transfer-Encoding: chunked\r\n\r\n"),
					chunked(encoded, (config(input, 3) % 64) + 1));
			case 2 -> concat(ascii(head + "Connection: close\r\n\r\n"), encoded);
			default -> concat(ascii(head + "Content-Length: " + encoded.length + "\r\n\r\n"), encoded,
					ascii("HTTP/1.1 204 No Content\r\n\r\n"));
		};
		check(wire, input);
	}

	private static void check(byte[] wire, byte[] input) {
		String method = Reading.METHODS[config(input, 0) % Reading.METHODS.length];
		long maxHeaderBytes = (config(input, 1) == 0) ? 8192 : 32 + config(input, 1) * 16L;
		Set<KnownDefect> touched = EnumSet.noneOf(KnownDefect.class);
		Outcome reference = ReferenceParser.parse(wire, method, maxHeaderBytes, touched);
		if (FUZZING && touched.stream().anyMatch(KnownDefect::isOpen)) {
			// Found already; let the campaign look for something else.
			return;
		}
		Outcome whole = CodecRun.run(wire, Reading.whole(method, maxHeaderBytes));
		if (!whole.agreesWith(reference) && !knownSymptom(whole, reference)) {
			throw new AssertionError(report("the codec and the reference parser disagree", wire,
					Reading.whole(method, maxHeaderBytes), reference, whole));
		}
		same(wire, whole, reading(input, method, maxHeaderBytes));
		if (FUZZING) {
			// The fuzzer's own reading reaches one byte at a time too (buffer 1, reads of
			// 1): spend the time on new inputs.
			return;
		}
		same(wire, whole, Reading.oneByteAtATime(method, maxHeaderBytes));
		if (wire.length <= MAX_SPLIT_ALL) {
			for (int at = 1; at < wire.length; at++) {
				same(wire, whole, Reading.splitAt(at, method, maxHeaderBytes));
			}
		}
	}

	private static void same(byte[] wire, Outcome expected, Reading reading) {
		Outcome actual = CodecRun.run(wire, reading);
		if (!actual.equals(expected) && !knownSymptom(expected, actual)) {
			throw new AssertionError(
					report("the outcome depends on how the bytes arrive or are read", wire, reading, expected, actual));
		}
	}

	/**
	 * Whether, in a campaign, two outcomes differ by the symptom of a defect on record
	 * that is still open.
	 */
	private static boolean knownSymptom(Outcome one, Outcome other) {
		return FUZZING && KnownDefect.INFLATER_OUTPUT_PENDING.isOpen() && (hasSymptom(one) || hasSymptom(other));
	}

	private static boolean hasSymptom(Outcome outcome) {
		return outcome.failureDetail != null && outcome.failureDetail.contains(KnownDefect.SYMPTOM);
	}

	/** The reading the configuration bytes give. */
	private static Reading reading(byte[] input, String method, long maxHeaderBytes) {
		int[] bufferSizes = { 8192, 1, 2, 7, 64, 256 };
		return new Reading(method, bufferSizes[config(input, 2) % bufferSizes.length],
				new int[] { deliverySize(config(input, 3)), deliverySize(config(input, 4)) },
				new int[] { readSize(config(input, 5)), readSize(config(input, 6)) }, maxHeaderBytes);
	}

	private static int deliverySize(int b) {
		return (b == 0) ? Integer.MAX_VALUE : b;
	}

	/** 0 to 31: {@code read()}; 32 to 63: {@code available()} then a read; then sizes. */
	private static int readSize(int b) {
		return (b < 32) ? 0 : (b < 64) ? -(b - 31) : b - 63;
	}

	private static int config(byte[] input, int index) {
		return (index < input.length) ? input[index] & 0xff : 0;
	}

	private static byte[] wireOf(byte[] input) {
		return (input.length > CONFIG_BYTES) ? Arrays.copyOfRange(input, CONFIG_BYTES, input.length) : new byte[0];
	}

	/**
	 * {@code data} as chunks of {@code size} bytes, some with extensions, and a trailer.
	 */
	static byte[] chunked(byte[] data, int size) {
		StringBuilder text = new StringBuilder();
		for (int i = 0, n = 0; i < data.length; i += size, n++) {
			int length = Math.min(size, data.length - i);
			text.append(Integer.toHexString(length)).append((n % 3 == 1) ? ";ext=\"v\"" : "").append("\r\n");
			text.append(new String(data, i, length, StandardCharsets.ISO_8859_1)).append("\r\n");
		}
		return ascii(text.append("0\r\nX-Checksum: 1\r\n\r\n").toString());
	}

	static byte[] ascii(String s) {
		return s.getBytes(StandardCharsets.ISO_8859_1);
	}

	static byte[] concat(byte[]... parts) {
		int length = 0;
		for (byte[] part : parts) {
			length += part.length;
		}
		byte[] all = new byte[length];
		int at = 0;
		for (byte[] part : parts) {
			System.arraycopy(part, 0, all, at, part.length);
			at += part.length;
		}
		return all;
	}

	private static String report(String what, byte[] wire, Reading reading, Outcome expected, Outcome actual) {
		return what + "\nwire (" + wire.length + " bytes): " + Outcome.quote(wire) + "\nread as: " + reading
				+ "\nexpected:" + expected + "\nactual:" + actual;
	}

	private static boolean isSet(String value) {
		return value != null && (value.equals("1") || value.equalsIgnoreCase("true") || value.equalsIgnoreCase("yes"));
	}

}
