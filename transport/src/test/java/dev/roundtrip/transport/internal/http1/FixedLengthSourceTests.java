package dev.roundtrip.transport.internal.http1;

import java.io.EOFException;
import java.io.IOException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class FixedLengthSourceTests {

	@Test
	void exactlyTheLengthIsReadAndTheRestIsLeft() throws IOException {
		Http1Source source = ResponseParserTests.source("helloHTTP/1.1");
		FixedLengthSource body = new FixedLengthSource(source, 5);
		assertThat(ChunkedSourceTests.readAll(body)).isEqualTo("hello");
		assertThat(body.isComplete()).isTrue();
		assertThat(body.remaining()).isZero();
		assertThat(body.read()).isEqualTo(-1);
		assertThat(ResponseParserTests.readRest(source)).isEqualTo("HTTP/1.1");
	}

	@Test
	void singleByteReadsStopAtTheLength() throws IOException {
		FixedLengthSource body = new FixedLengthSource(ResponseParserTests.source("abcdef"), 2);
		assertThat(body.read()).isEqualTo('a');
		assertThat(body.remaining()).isEqualTo(1);
		assertThat(body.read()).isEqualTo('b');
		assertThat(body.read()).isEqualTo(-1);
	}

	@Test
	void zeroLengthIsCompleteAtOnce() throws IOException {
		FixedLengthSource body = new FixedLengthSource(ResponseParserTests.source("next"), 0);
		assertThat(body.isComplete()).isTrue();
		assertThat(body.read(new byte[4], 0, 4)).isEqualTo(-1);
		assertThat(body.available()).isZero();
	}

	@Test
	void bodyEndingEarlyIsAnEofException() throws IOException {
		FixedLengthSource body = new FixedLengthSource(new Http1Source(ScriptedInputStream.oneByteAtATime("abc"), 16),
				5);
		assertThat(body.read(new byte[5], 0, 5)).isEqualTo(1);
		assertThat(body.read(new byte[5], 0, 5)).isEqualTo(1);
		assertThat(body.read()).isEqualTo('c');
		assertThatExceptionOfType(EOFException.class).isThrownBy(() -> body.read(new byte[5], 0, 5))
			.withMessage("response body ended after 3 of 5 bytes (Content-Length)");
		assertThatExceptionOfType(EOFException.class).isThrownBy(body::read)
			.withMessage("response body ended after 3 of 5 bytes (Content-Length)");
		assertThat(body.isComplete()).isFalse();
	}

	@Test
	void availableIsTheBufferedPartOfWhatRemains() throws IOException {
		Http1Source source = new Http1Source(ScriptedInputStream.of("abcdefgh", "ij"), 64);
		FixedLengthSource body = new FixedLengthSource(source, 5);
		assertThat(body.available()).isZero();
		assertThat(body.read()).isEqualTo('a');
		assertThat(body.available()).isEqualTo(4);
		assertThat(source.buffered()).isEqualTo(7);
	}

	@Test
	void skipStopsAtTheLengthAndFailsOnAnEarlyEnd() throws IOException {
		FixedLengthSource body = new FixedLengthSource(ResponseParserTests.source("abcdefgh"), 5);
		assertThat(body.skip(3)).isEqualTo(3);
		assertThat(body.skip(100)).isEqualTo(2);
		assertThat(body.skip(1)).isZero();
		assertThat(body.isComplete()).isTrue();

		FixedLengthSource shortBody = new FixedLengthSource(ResponseParserTests.source("ab"), 5);
		assertThat(shortBody.skip(5)).isEqualTo(2);
		assertThatExceptionOfType(EOFException.class).isThrownBy(() -> shortBody.skip(5))
			.withMessage("response body ended after 2 of 5 bytes (Content-Length)");
	}

	@Test
	void closeLeavesTheConnectionAlone() throws IOException {
		Http1Source source = ResponseParserTests.source("abcdef");
		FixedLengthSource body = new FixedLengthSource(source, 3);
		body.close();
		assertThat(body.read()).isEqualTo('a');
		assertThat(body.remaining()).isEqualTo(2);
	}

}
