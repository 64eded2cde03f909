package dev.roundtrip.transport.internal.http1;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

class ChunkedSinkTests {

	private final RecordingOutputStream out = new RecordingOutputStream();

	private final Http1Sink sink = new Http1Sink(this.out, 8192);

	@Test
	void smallWritesAreGatheredIntoOneChunk() throws IOException {
		ChunkedSink body = new ChunkedSink(this.sink);
		body.write("hello".getBytes(StandardCharsets.US_ASCII), 0, 5);
		body.write(", ".getBytes(StandardCharsets.US_ASCII), 0, 2);
		body.write("world".getBytes(StandardCharsets.US_ASCII), 0, 5);
		body.close();
		this.sink.flush();
		assertThat(this.out.text()).isEqualTo("c\r\nhello, world\r\n0\r\n\r\n");
	}

	@Test
	void singleByteWritesDoNotBecomeOneByteChunks() throws IOException {
		ChunkedSink body = new ChunkedSink(this.sink);
		for (int i = 0; i < 2500; i++) {
			body.write('a' + i % 26);
		}
		body.close();
		this.sink.flush();
		String wire = this.out.text();
		assertThat(wire).startsWith("400\r\n").endsWith("\r\n0\r\n\r\n");
		assertThat(wire.split("\r\n")).hasSize(7);
		assertThat(ChunkedSourceTests.readAll(decode(wire))).hasSize(2500);
	}

	@Test
	void largeWriteIsOneChunkWithItsSizeInHex() throws IOException {
		ChunkedSink body = new ChunkedSink(this.sink);
		body.write('<');
		byte[] large = "x".repeat(4096).getBytes(StandardCharsets.US_ASCII);
		body.write(large, 0, large.length);
		body.close();
		this.sink.flush();
		assertThat(this.out.text()).isEqualTo("1\r\n<\r\n1000\r\n" + "x".repeat(4096) + "\r\n0\r\n\r\n");
	}

	@Test
	void flushSendsWhatIsGatheredAsAChunk() throws IOException {
		ChunkedSink body = new ChunkedSink(this.sink);
		body.write('a');
		body.write('b');
		body.flush();
		assertThat(this.out.text()).isEqualTo("2\r\nab\r\n");
		assertThat(this.out.flushes()).isEqualTo(1);
		body.flush();
		assertThat(this.out.text()).isEqualTo("2\r\nab\r\n");
	}

	@Test
	void emptyWritesProduceNoChunk() throws IOException {
		ChunkedSink body = new ChunkedSink(this.sink);
		body.write(new byte[0], 0, 0);
		body.close();
		this.sink.flush();
		assertThat(this.out.text()).isEqualTo("0\r\n\r\n");
	}

	@Test
	void closeWritesTheLastChunkOnceAndLeavesTheConnectionOpen() throws IOException {
		ChunkedSink body = new ChunkedSink(this.sink);
		body.write('z');
		body.close();
		body.close();
		assertThat(this.out.writes()).isZero();
		assertThat(this.out.flushes()).isZero();
		this.sink.flush();
		assertThat(this.out.text()).isEqualTo("1\r\nz\r\n0\r\n\r\n");
		assertThatIOException().isThrownBy(() -> body.write('!')).withMessage("request body stream is closed");
	}

	@Test
	void chunkSizesAreWrittenInHex() throws IOException {
		ChunkedSink body = new ChunkedSink(this.sink);
		for (int size : new int[] { 1, 15, 16, 255, 1023 }) {
			body.write(new byte[size], 0, size);
			body.flush();
		}
		body.close();
		this.sink.flush();
		String wire = this.out.text();
		assertThat(wire).startsWith("1\r\n").contains("\r\nf\r\n", "\r\n10\r\n", "\r\nff\r\n", "\r\n3ff\r\n");
		assertThat(ChunkedSourceTests.readAll(decode(wire))).hasSize(1 + 15 + 16 + 255 + 1023);
	}

	private static ChunkedSource decode(String wire) {
		return new ChunkedSource(
				new Http1Source(new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1)), 8192), 1024);
	}

}
