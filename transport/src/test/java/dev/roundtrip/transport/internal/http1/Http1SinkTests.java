package dev.roundtrip.transport.internal.http1;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

class Http1SinkTests {

	private final RecordingOutputStream out = new RecordingOutputStream();

	@Test
	void bytesStayBufferedUntilFlush() throws IOException {
		Http1Sink sink = new Http1Sink(this.out, 64);
		sink.write('a');
		sink.write(bytes("bcd"), 1, 2);
		sink.writeLatin1("éf");
		assertThat(this.out.writes()).isZero();
		assertThat(sink.bytesWritten()).isZero();
		assertThat(sink.buffered()).isEqualTo(5);
		sink.flush();
		assertThat(this.out.text()).isEqualTo("acdéf");
		assertThat(this.out.writes()).isEqualTo(1);
		assertThat(this.out.flushes()).isEqualTo(1);
		assertThat(sink.bytesWritten()).isEqualTo(5);
		assertThat(sink.buffered()).isZero();
	}

	@Test
	void fullBufferIsWrittenOutAndCounted() throws IOException {
		Http1Sink sink = new Http1Sink(this.out, 4);
		sink.writeLatin1("abcdefghij");
		assertThat(this.out.text()).isEqualTo("abcdefgh");
		assertThat(sink.bytesWritten()).isEqualTo(8);
		for (char c : "klm".toCharArray()) {
			sink.write(c);
		}
		assertThat(sink.bytesWritten()).isEqualTo(12);
		sink.flush();
		assertThat(this.out.text()).isEqualTo("abcdefghijklm");
		assertThat(sink.bytesWritten()).isEqualTo(13);
	}

	@Test
	void largeWriteGoesStraightToTheStreamAfterTheBuffer() throws IOException {
		Http1Sink sink = new Http1Sink(this.out, 8);
		sink.write('<');
		sink.write(bytes("0123456789"), 0, 10);
		assertThat(this.out.text()).isEqualTo("<0123456789");
		assertThat(this.out.writes()).isEqualTo(2);
		assertThat(sink.bytesWritten()).isEqualTo(11);
	}

	@Test
	void writeThatDoesNotFitFlushesTheBufferFirst() throws IOException {
		Http1Sink sink = new Http1Sink(this.out, 8);
		sink.writeLatin1("abcde");
		sink.write(bytes("1234"), 0, 4);
		assertThat(this.out.text()).isEqualTo("abcde");
		sink.flush();
		assertThat(this.out.text()).isEqualTo("abcde1234");
	}

	// A write that threw may have sent part of its bytes: the request is then not
	// "nothing written", so it is never sent twice.
	@Test
	void failedWriteCountsInFullWhenTheStreamCannotSayWhatItSent() throws IOException {
		Http1Sink sink = new Http1Sink(this.out, 8);
		sink.writeLatin1("GET / HTTP/1.1");
		assertThat(sink.bytesWritten()).isEqualTo(8);
		this.out.fail();
		assertThatIOException().isThrownBy(sink::flush);
		assertThat(sink.bytesWritten()).isEqualTo(14);
	}

	@Test
	void failedWriteCountsWhatAnExactStreamSaysItSent() throws IOException {
		for (int sent : new int[] { 0, 5 }) {
			ExactlyCounted broken = new ExactlyCounted(sent);
			Http1Sink sink = new Http1Sink(broken, 64);
			sink.writeLatin1("GET / HTTP/1.1\r\n\r\n");
			assertThatIOException().isThrownBy(sink::flush);
			assertThat(sink.bytesWritten()).isEqualTo(sent);
		}
	}

	/** Takes {@code sent} bytes of every write, then fails. */
	private static final class ExactlyCounted extends java.io.OutputStream implements Http1Sink.ExactCount {

		private final int sent;

		ExactlyCounted(int sent) {
			this.sent = sent;
		}

		@Override
		public void write(int b) throws IOException {
			throw new IOException("Broken pipe");
		}

		@Override
		public void write(byte[] b, int off, int len) throws IOException {
			throw new IOException("Connection reset by peer");
		}

		@Override
		public long sentByLastWrite() {
			return this.sent;
		}

	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.ISO_8859_1);
	}

}
