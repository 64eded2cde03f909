package dev.roundtrip.benchmarks.jmh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.roundtrip.transport.internal.http1.ChunkedSource;
import dev.roundtrip.transport.internal.http1.Http1Source;
import dev.roundtrip.transport.internal.http1.ResponseHead;
import dev.roundtrip.transport.internal.http1.ResponseParser;

/**
 * The response codec on bytes in memory: a status line and the headers nginx sends, and a
 * 4 KB body in four chunks decoded to the end.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class Http1Benchmark {

	private static final String HEAD = """
			HTTP/1.1 200 OK\r
			Server: nginx/1.22.1\r
			Date: Wed, 02 Dec 2026 05:00:00 GMT\r
			Content-Type: text/plain\r
			Content-Length: 0\r
			Connection: keep-alive\r
			\r
			""";

	private Http1Source heads;

	private Http1Source chunks;

	private final byte[] buffer = new byte[8192];

	@Setup
	public void setUp() {
		this.heads = new Http1Source(new RepeatingInputStream(HEAD.getBytes(StandardCharsets.ISO_8859_1), 16384), 8192);
		String chunk = "400\r\n" + "x".repeat(1024) + "\r\n";
		byte[] body = (chunk.repeat(4) + "0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
		this.chunks = new Http1Source(new RepeatingInputStream(body, 16384), 8192);
		try {
			if (statusLineAndHeaders().status() != 200 || chunkedBody4k() != 4096) {
				throw new IllegalStateException("the codec read something other than what the benchmark feeds it");
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Benchmark
	public ResponseHead statusLineAndHeaders() throws IOException {
		return ResponseParser.readHead(this.heads, 1 << 20);
	}

	@Benchmark
	public long chunkedBody4k() throws IOException {
		ChunkedSource body = new ChunkedSource(this.chunks, 8192);
		long total = 0;
		int n;
		while ((n = body.read(this.buffer, 0, this.buffer.length)) != -1) {
			total += n;
		}
		return total;
	}

}
