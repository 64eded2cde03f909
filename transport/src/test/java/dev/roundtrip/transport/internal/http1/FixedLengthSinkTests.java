package dev.roundtrip.transport.internal.http1;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

class FixedLengthSinkTests {

	private final RecordingOutputStream out = new RecordingOutputStream();

	private final Http1Sink sink = new Http1Sink(this.out, 64);

	@Test
	void exactlyTheLengthIsWritten() throws IOException {
		FixedLengthSink body = new FixedLengthSink(this.sink, 5);
		body.write('h');
		body.write("xello".getBytes(StandardCharsets.US_ASCII), 1, 4);
		assertThat(body.remaining()).isZero();
		body.close();
		this.sink.flush();
		assertThat(this.out.text()).isEqualTo("hello");
	}

	@Test
	void writeBeyondTheLengthFailsBeforeWritingAnyOfIt() throws IOException {
		FixedLengthSink body = new FixedLengthSink(this.sink, 3);
		body.write('a');
		assertThatIOException().isThrownBy(() -> body.write("bcd".getBytes(StandardCharsets.US_ASCII), 0, 3))
			.withMessage("request body is longer than its Content-Length of 3 bytes");
		body.write('b');
		body.write('c');
		assertThatIOException().isThrownBy(() -> body.write('d'))
			.withMessage("request body is longer than its Content-Length of 3 bytes");
		body.close();
		this.sink.flush();
		assertThat(this.out.text()).isEqualTo("abc");
	}

	@Test
	void closeBeforeTheLengthIsWrittenFails() throws IOException {
		FixedLengthSink body = new FixedLengthSink(this.sink, 10);
		body.write("abc".getBytes(StandardCharsets.US_ASCII), 0, 3);
		assertThatIOException().isThrownBy(body::close)
			.withMessage("request body wrote 3 of its Content-Length of 10 bytes");
	}

	@Test
	void closeNeitherFlushesNorClosesTheConnection() throws IOException {
		FixedLengthSink body = new FixedLengthSink(this.sink, 2);
		body.write('o');
		body.write('k');
		body.close();
		assertThat(this.out.writes()).isZero();
		assertThat(this.out.flushes()).isZero();
		assertThat(this.sink.buffered()).isEqualTo(2);
		assertThatIOException().isThrownBy(() -> body.write('!')).withMessage("request body stream is closed");
	}

	@Test
	void flushFlushesTheConnection() throws IOException {
		FixedLengthSink body = new FixedLengthSink(this.sink, 2);
		body.write('o');
		body.flush();
		assertThat(this.out.text()).isEqualTo("o");
		assertThat(this.out.flushes()).isEqualTo(1);
	}

	@Test
	void emptyBodyClosesCleanly() throws IOException {
		new FixedLengthSink(this.sink, 0).close();
		assertThat(this.sink.buffered()).isZero();
	}

}
