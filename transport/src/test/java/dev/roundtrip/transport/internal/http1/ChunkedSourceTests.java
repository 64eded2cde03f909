package dev.roundtrip.transport.internal.http1;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.roundtrip.transport.Headers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ChunkedSourceTests {

	private static final long MAX_TRAILER = 8192;

	@Test
	void chunksAreDecodedAndTheNextResponseIsLeftUnread() throws IOException {
		Http1Source source = source("5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\nHTTP/1.1");
		ChunkedSource body = new ChunkedSource(source, MAX_TRAILER);
		assertThat(readAll(body)).isEqualTo("hello, world");
		assertThat(body.isComplete()).isTrue();
		assertThat(body.trailers()).isSameAs(Headers.EMPTY);
		assertThat(body.read()).isEqualTo(-1);
		assertThat(body.read(new byte[4], 0, 4)).isEqualTo(-1);
		assertThat(ResponseParserTests.readRest(source)).isEqualTo("HTTP/1.1");
	}

	@Test
	void emptyBodyIsJustTheLastChunk() throws IOException {
		ChunkedSource body = new ChunkedSource(source("0\r\n\r\n"), MAX_TRAILER);
		assertThat(body.isComplete()).isFalse();
		assertThat(body.read()).isEqualTo(-1);
		assertThat(body.isComplete()).isTrue();
	}

	@Test
	void hexSizesOfEitherCaseAreDecoded() throws IOException {
		String data = "x".repeat(0xAb);
		assertThat(readAll(new ChunkedSource(source("Ab\r\n" + data + "\r\n00\r\n\r\n"), MAX_TRAILER))).isEqualTo(data);
	}

	@Test
	void chunkExtensionsAreIgnored() throws IOException {
		ChunkedSource body = new ChunkedSource(
				source("5;name=value\r\nhello\r\n6 ; a ; b=\"q;uoted\"\r\n world\r\n0;last\r\n\r\n"), MAX_TRAILER);
		assertThat(readAll(body)).isEqualTo("hello world");
		assertThat(body.isComplete()).isTrue();
	}

	@Test
	void trailersAreParsedAfterTheLastChunk() throws IOException {
		ChunkedSource body = new ChunkedSource(
				source("3\r\nabc\r\n0\r\nx-checksum: 900150983cd24fb0\r\nServer-Timing: db;dur=53\r\n  more\r\n\r\n"),
				MAX_TRAILER);
		byte[] three = new byte[3];
		assertThat(body.read(three, 0, 3)).isEqualTo(3);
		assertThat(body.isComplete()).isTrue();
		assertThat(body.trailers())
			.isEqualTo(Headers.of("x-checksum", "900150983cd24fb0", "Server-Timing", "db;dur=53 more"));
	}

	@Test
	void trailersAreEmptyUntilTheBodyIsComplete() throws IOException {
		ChunkedSource body = new ChunkedSource(source("3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n"), MAX_TRAILER);
		assertThat(body.read()).isEqualTo('a');
		assertThat(body.trailers()).isSameAs(Headers.EMPTY);
		assertThat(body.isComplete()).isFalse();
	}

	@Test
	void malformedTrailerIsRejected() {
		ChunkedSource body = new ChunkedSource(source("0\r\nno colon\r\n\r\n"), MAX_TRAILER);
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(body::read)
			.withMessage("malformed trailer line \"no colon\": it has no colon");
	}

	@Test
	void trailersOfExactlyTheLimitAreAccepted() throws IOException {
		String trailers = "X-T: 1\r\n\r\n";
		ChunkedSource body = new ChunkedSource(source("0\r\n" + trailers), trailers.length());
		assertThat(body.read()).isEqualTo(-1);
		assertThat(body.trailers()).isEqualTo(Headers.of("X-T", "1"));
	}

	@Test
	void trailersOverTheLimitAreRejected() {
		String trailers = "X-T: 1\r\n\r\n";
		ChunkedSource body = new ChunkedSource(source("0\r\n" + trailers), trailers.length() - 1);
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(body::read)
			.withMessage("response trailers exceeded 9 bytes (max-response-header-bytes)");
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, 3, 8192 })
	void bodyArrivingOneByteAtATimeIsDecoded(int bufferSize) throws IOException {
		String wire = "4;ext=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nX-T: done\r\n\r\nNEXT";
		Http1Source source = new Http1Source(ScriptedInputStream.oneByteAtATime(wire), bufferSize);
		ChunkedSource body = new ChunkedSource(source, MAX_TRAILER);
		assertThat(readAll(body)).isEqualTo("Wikipedia in\r\n\r\nchunks.");
		assertThat(body.trailers()).isEqualTo(Headers.of("X-T", "done"));
		assertThat(ResponseParserTests.readRest(source)).isEqualTo("NEXT");
	}

	@Test
	void singleByteReadsDecodeTheBody() throws IOException {
		ChunkedSource body = new ChunkedSource(source("2\r\nab\r\n1\r\nc\r\n0\r\n\r\n"), MAX_TRAILER);
		StringBuilder text = new StringBuilder();
		int b;
		while ((b = body.read()) != -1) {
			text.append((char) b);
		}
		assertThat(text).hasToString("abc");
		assertThat(body.isComplete()).isTrue();
	}

	@Test
	void bareLfEndsSizeAndTrailerLines() throws IOException {
		ChunkedSource body = new ChunkedSource(source("3\nabc\r\n0\nX-T: 1\n\n"), MAX_TRAILER);
		assertThat(readAll(body)).isEqualTo("abc");
		assertThat(body.trailers()).isEqualTo(Headers.of("X-T", "1"));
	}

	@Test
	void bareLfAfterChunkDataIsRejected() {
		// RFC 9112 §7.1: chunk data is followed by CRLF; the bare-LF allowance is for
		// lines.
		ChunkedSource body = new ChunkedSource(source("3\r\nabc\n0\r\n\r\n"), MAX_TRAILER);
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> readAll(body))
			.withMessage("malformed chunked body: chunk data is not followed by CRLF (found LF)");
	}

	@ParameterizedTest
	@ValueSource(strings = { "6\r\nhello\r\n0\r\n\r\n", "7\r\nello, \r\n6\r\nworld!\r\n0\r\n\r\n" })
	void chunkSizeOneTooLargeFailsInsteadOfReturningTheCrAsData(String wire) throws IOException {
		ChunkedSource body = new ChunkedSource(source(wire), MAX_TRAILER);
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> readAll(body))
			.withMessageStartingWith("malformed chunked body: chunk data is not followed by CRLF");
		assertThat(body.isComplete()).isFalse();
	}

	@Test
	void largestChunkSizeIsAccepted() throws IOException {
		ChunkedSource body = new ChunkedSource(source("7fffffffffffffff\r\nabc"), MAX_TRAILER);
		byte[] bytes = new byte[8];
		assertThat(body.read(bytes, 0, 8)).isEqualTo(3);
	}

	@ParameterizedTest
	@ValueSource(strings = { "8000000000000000", "ffffffffffffffff", "10000000000000000", "00000000000000001" })
	void chunkSizeOverflowingALongIsRejected(String size) {
		ChunkedSource body = new ChunkedSource(source(size + "\r\nabc\r\n0\r\n\r\n"), MAX_TRAILER);
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(body::read)
			.withMessage("malformed chunked body: chunk size \"" + size + "\" overflows a long");
	}

	@Test
	void chunkSizeThatIsNotHexIsRejected() {
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> new ChunkedSource(source("zz\r\n"), MAX_TRAILER).read())
			.withMessage("malformed chunked body: chunk-size line \"zz\" does not start with a hexadecimal size");
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> new ChunkedSource(source("\r\n"), MAX_TRAILER).read())
			.withMessage("malformed chunked body: chunk-size line \"\" does not start with a hexadecimal size");
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> new ChunkedSource(source("-5\r\n"), MAX_TRAILER).read());
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> new ChunkedSource(source("5 x\r\nhello\r\n"), MAX_TRAILER).read())
			.withMessage("malformed chunked body: chunk-size line \"5 x\" has 'x' (U+0078) after the size");
	}

	@Test
	void endlessChunkSizeLineIsRejected() {
		ChunkedSource body = new ChunkedSource(source("5;" + "e".repeat(5000) + "\r\nhello\r\n"), MAX_TRAILER);
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(body::read)
			.withMessage("malformed chunked body: a chunk-size line is longer than 4096 bytes");
	}

	@Test
	void chunkDataNotFollowedByCrlfIsRejected() {
		ChunkedSource body = new ChunkedSource(source("3\r\nhello\r\n0\r\n\r\n"), MAX_TRAILER);
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> readAll(body))
			.withMessage("malformed chunked body: chunk data is not followed by CRLF (found 'l' (U+006C))");
	}

	@Test
	void crNotFollowedByLfAfterChunkDataIsRejected() {
		ChunkedSource body = new ChunkedSource(source("3\r\nabc\rX0\r\n\r\n"), MAX_TRAILER);
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> readAll(body))
			.withMessage("malformed chunked body: chunk data is not followed by CRLF (found 'X' (U+0058))");
	}

	@Test
	void streamEndingInChunkDataIsAnEofException() throws IOException {
		ChunkedSource body = new ChunkedSource(source("a\r\nabc"), MAX_TRAILER);
		assertThat(body.read(new byte[10], 0, 10)).isEqualTo(3);
		assertThatExceptionOfType(EOFException.class).isThrownBy(() -> body.read(new byte[10], 0, 10))
			.withMessage("chunked response body ended with 7 bytes of a chunk still to come");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "3", "3\r\nabc", "3\r\nabc\r", "3\r\nabc\r\n", "3\r\nabc\r\n0\r\n" })
	void streamEndingBeforeTheLastChunkIsAnEofException(String wire) {
		ChunkedSource body = new ChunkedSource(source(wire), MAX_TRAILER);
		assertThatExceptionOfType(EOFException.class).isThrownBy(() -> readAll(body));
		assertThat(body.isComplete()).isFalse();
	}

	@Test
	void streamEndingInTheTrailersIsAnEofException() {
		ChunkedSource body = new ChunkedSource(source("0\r\nX-T: 1\r\n"), MAX_TRAILER);
		assertThatExceptionOfType(EOFException.class).isThrownBy(body::read)
			.withMessage("chunked response body ended in its trailers");
	}

	@Test
	void readOfTheLastDataBytesCompletesTheBodyWhenTheRestIsBuffered() throws IOException {
		ScriptedInputStream in = ScriptedInputStream.of("5\r\nhello\r\n0\r\nX-T: 1\r\n\r\nHTTP/1.1 200 OK\r\n")
			.thenBlock();
		Http1Source source = new Http1Source(in, 8192);
		ChunkedSource body = new ChunkedSource(source, MAX_TRAILER);
		byte[] bytes = new byte[5];
		assertThat(body.read(bytes, 0, 5)).isEqualTo(5);
		assertThat(body.isComplete()).isTrue();
		assertThat(body.trailers()).isEqualTo(Headers.of("X-T", "1"));
		assertThat(source.buffered()).isEqualTo("HTTP/1.1 200 OK\r\n".length());
		assertThat(in.reads()).isEqualTo(1);
	}

	@Test
	void singleByteReadOfTheLastDataByteCompletesTheBodyWhenTheRestIsBuffered() throws IOException {
		Http1Source source = new Http1Source(ScriptedInputStream.of("1\r\nx\r\n0\r\n\r\n").thenBlock(), 8192);
		ChunkedSource body = new ChunkedSource(source, MAX_TRAILER);
		assertThat(body.read()).isEqualTo('x');
		assertThat(body.isComplete()).isTrue();
	}

	@Test
	void readOfAChunkEndConsumesTheNextSizeLineWhenBuffered() throws IOException {
		Http1Source source = new Http1Source(ScriptedInputStream.of("3\r\nabc\r\n4\r\ndefg", "\r\n0\r\n\r\n"), 8192);
		ChunkedSource body = new ChunkedSource(source, MAX_TRAILER);
		assertThat(body.read(new byte[3], 0, 3)).isEqualTo(3);
		assertThat(source.buffered()).isEqualTo(4);
		assertThat(body.available()).isEqualTo(4);
	}

	@Test
	void bodyIsNotCompleteUntilTheTerminatorArrives() throws IOException {
		ScriptedInputStream in = ScriptedInputStream.of("5\r\nhello", "\r\n0\r", "\n\r\n");
		ChunkedSource body = new ChunkedSource(new Http1Source(in, 8192), MAX_TRAILER);
		assertThat(body.read(new byte[5], 0, 5)).isEqualTo(5);
		assertThat(body.isComplete()).isFalse();
		assertThat(in.reads()).isEqualTo(1);
		assertThat(body.read(new byte[5], 0, 5)).isEqualTo(-1);
		assertThat(body.isComplete()).isTrue();
	}

	@Test
	void partlyBufferedTerminatorIsLeftForTheNextRead() throws IOException {
		ScriptedInputStream in = ScriptedInputStream.of("2\r\nab\r", "\n0\r\nX-T: 1\r\n", "\r\n");
		ChunkedSource body = new ChunkedSource(new Http1Source(in, 8192), MAX_TRAILER);
		assertThat(body.read(new byte[2], 0, 2)).isEqualTo(2);
		assertThat(body.available()).isZero();
		assertThat(body.isComplete()).isFalse();
		assertThat(body.read()).isEqualTo(-1);
		assertThat(body.isComplete()).isTrue();
		assertThat(body.trailers()).isEqualTo(Headers.of("X-T", "1"));
	}

	@Test
	void malformedFramingAfterTheLastDataBytesFailsTheNextReadNotThisOne() throws IOException {
		ChunkedSource body = new ChunkedSource(source("3\r\nabc\r\nzz\r\n"), MAX_TRAILER);
		byte[] bytes = new byte[3];
		assertThat(body.read(bytes, 0, 3)).isEqualTo(3);
		assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).isEqualTo("abc");
		assertThat(body.available()).isZero();
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(body::read)
			.withMessageContaining("does not start with a hexadecimal size");
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> body.read(bytes, 0, 3));
		assertThat(body.isComplete()).isFalse();
	}

	@Test
	void availableCountsOnlyBufferedDataOfTheCurrentChunk() throws IOException {
		ChunkedSource body = new ChunkedSource(source("5\r\nhello\r\n0\r\n\r\n"), MAX_TRAILER);
		assertThat(body.read()).isEqualTo('h');
		assertThat(body.available()).isEqualTo(4);
	}

	@Test
	void skipDiscardsDataAcrossChunks() throws IOException {
		ChunkedSource body = new ChunkedSource(source("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"), MAX_TRAILER);
		assertThat(body.skip(100)).isEqualTo(5);
		assertThat(body.skip(2)).isEqualTo(2);
		assertThat(readAll(body)).isEqualTo("orld");
		assertThat(body.skip(1)).isZero();
	}

	private static Http1Source source(String wire) {
		return new Http1Source(new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1)), 8192);
	}

	static String readAll(InputStream body) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		byte[] chunk = new byte[7];
		int n;
		while ((n = body.read(chunk, 0, chunk.length)) != -1) {
			out.write(chunk, 0, n);
		}
		return out.toString(StandardCharsets.ISO_8859_1);
	}

}
