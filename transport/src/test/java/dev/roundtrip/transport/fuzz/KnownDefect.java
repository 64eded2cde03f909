package dev.roundtrip.transport.fuzz;

import java.nio.charset.StandardCharsets;

/**
 * Defects on record (issue 9, item 9, and what the fuzz targets found since) that the
 * fuzz targets find at once. While one is still in the code, a campaign skips the inputs
 * that rely on its rule, so that it can find others; the regression replay in
 * {@code verify} never skips anything. Each carries a minimal reproducer, tried when a
 * campaign starts: once the fix lands, the reproducer passes and the rule is fuzzed like
 * any other.
 */
enum KnownDefect {

	/** Chunk data followed by a bare LF is accepted: it must be CRLF exactly. */
	BARE_LF_AFTER_CHUNK_DATA("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\n0\r\n\r\n"),

	/**
	 * Bytes after the end of a gzip member are dropped or refused as TCP segments fall.
	 */
	BYTES_AFTER_GZIP_MEMBER(null),

	/** An empty gzip body fails when chunked or delimited by close. */
	EMPTY_GZIP_BODY("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),

	/** {@code HTTP/1.2} and above are refused instead of read as HTTP/1.1. */
	HTTP_1_X("HTTP/1.2 200 OK\r\nContent-Length: 0\r\n\r\n"),

	/**
	 * An HTTP/1.0 response with {@code Transfer-Encoding} (and {@code Content-Length})
	 * leaves its connection pooled.
	 */
	HTTP_1_0_TRANSFER_ENCODING(
			"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\nx"),

	/**
	 * {@code InflatingBody} asks for more input while the inflater still holds output for
	 * a small read: a raw deflate body read in small pieces fails as truncated, and a
	 * gzip body cut in its trailer fails "in its compressed data" or "in its trailer" as
	 * the caller's reads fall.
	 */
	INFLATER_OUTPUT_PENDING(null);

	/** What {@link #INFLATER_OUTPUT_PENDING} says when it strikes. */
	static final String SYMPTOM = "truncated: it ended in its compressed data";

	private final byte[] reproducer;

	private volatile Boolean open;

	KnownDefect(String reproducer) {
		this.reproducer = (reproducer != null) ? reproducer.getBytes(StandardCharsets.ISO_8859_1) : null;
	}

	/** Whether the codec still disagrees with the reference on the reproducer. */
	boolean isOpen() {
		Boolean open = this.open;
		if (open == null) {
			open = (this == BYTES_AFTER_GZIP_MEMBER) ? gzipTailStillDependsOnSegmentation()
					: disagrees(this.reproducer);
			this.open = open;
		}
		return open;
	}

	private static boolean disagrees(byte[] wire) {
		try {
			Outcome real = CodecRun.run(wire, Reading.whole("GET", 8192));
			return !real.agreesWith(ReferenceParser.parse(wire, "GET", 8192));
		}
		catch (RuntimeException | AssertionError ex) {
			return true;
		}
	}

	private static boolean rawDeflateStillFailsOnShortReads() {
		java.util.zip.Deflater deflater = new java.util.zip.Deflater(6, true);
		deflater
			.setInput("The quick brown fox jumps over the lazy dog. ".repeat(20).getBytes(StandardCharsets.ISO_8859_1));
		deflater.finish();
		byte[] buffer = new byte[4096];
		int n = deflater.deflate(buffer);
		deflater.end();
		byte[] wire = ResponseFuzzTests.concat(
				ResponseFuzzTests
					.ascii("HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nContent-Length: " + n + "\r\n\r\n"),
				java.util.Arrays.copyOf(buffer, n));
		try {
			return !CodecRun.run(wire, Reading.whole("GET", 8192))
				.equals(CodecRun.run(wire, Reading.oneByteAtATime("GET", 8192)));
		}
		catch (RuntimeException | AssertionError ex) {
			return true;
		}
	}

	private static boolean gzipTailStillDependsOnSegmentation() {
		byte[] member = Gzip.compress("hello".getBytes(StandardCharsets.ISO_8859_1));
		byte[] body = new byte[member.length + 1];
		System.arraycopy(member, 0, body, 0, member.length);
		body[member.length] = 'x';
		byte[] head = ("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + body.length + "\r\n\r\n")
			.getBytes(StandardCharsets.ISO_8859_1);
		byte[] wire = new byte[head.length + body.length];
		System.arraycopy(head, 0, wire, 0, head.length);
		System.arraycopy(body, 0, wire, head.length, body.length);
		try {
			Outcome whole = CodecRun.run(wire, Reading.whole("GET", 8192));
			Outcome split = CodecRun.run(wire, Reading.splitAt(wire.length - 1, "GET", 8192));
			return !whole.equals(split) || !whole.agreesWith(ReferenceParser.parse(wire, "GET", 8192));
		}
		catch (RuntimeException | AssertionError ex) {
			return true;
		}
	}

}
