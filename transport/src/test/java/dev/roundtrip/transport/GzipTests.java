package dev.roundtrip.transport;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

import org.junit.jupiter.api.Test;

import dev.roundtrip.transport.testing.Fetch;
import dev.roundtrip.transport.testing.RecordedRequest;
import dev.roundtrip.transport.testing.RecordingListener;
import dev.roundtrip.transport.testing.ScriptedServer;
import dev.roundtrip.transport.testing.ServerExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Transparent gzip as Go does it: {@code Accept-Encoding: gzip} is added only when the
 * caller set none, sent no {@code Range} and is not sending HEAD; a gzip response is then
 * decoded, without {@code Content-Encoding} and {@code Content-Length}; a caller who
 * asked for gzip gets the raw bytes.
 */
class GzipTests {

	private static final String TEXT = "hello, gzip world! ".repeat(50);

	// Go: TestTransportGzip, TestRoundTripGzip ("transport asks for gzip")
	@Test
	void transportAsksForGzipAndDecodesTheBodyWithoutEncodingAndLengthHeaders() throws Exception {
		byte[] gzipped = gzip(TEXT.getBytes(StandardCharsets.UTF_8));
		try (ScriptedServer server = ScriptedServer
			.start((ex) -> ex.respond(200, gzipped, "Content-Encoding: gzip", "Content-Type: text/plain"));
				Transport transport = Transport.builder().build();
				Response response = transport.roundTrip(Request.get(server.uri("/")))) {
			assertThat(response.headers().contains("Content-Encoding")).isFalse();
			assertThat(response.headers().contains("Content-Length")).isFalse();
			assertThat(response.headers().get("Content-Type")).isEqualTo("text/plain");
			assertThat(Fetch.readToEof(response)).isEqualTo(TEXT);
			assertThat(server.requests().get(0).header("Accept-Encoding")).isEqualTo("gzip, deflate");
		}
	}

	// Spring's JDK factory and Apache HttpClient 5 ask for and decode deflate too.
	@Test
	void zlibWrappedAndRawDeflateBodiesAreDecoded() throws Exception {
		byte[] text = TEXT.getBytes(StandardCharsets.UTF_8);
		for (boolean raw : new boolean[] { false, true }) {
			byte[] deflated = deflate(text, raw);
			try (ScriptedServer server = ScriptedServer
				.start((ex) -> ex.respond(200, deflated, "Content-Encoding: deflate"));
					Transport transport = Transport.builder().build();
					Response response = transport.roundTrip(Request.get(server.uri("/")))) {
				assertThat(response.headers().contains("Content-Encoding")).isFalse();
				assertThat(Fetch.readToEof(response)).as(raw ? "raw deflate" : "zlib").isEqualTo(TEXT);
			}
		}
	}

	@Test
	void aCodingTheTransportDidNotAskForIsPassedThroughUntouched() throws Exception {
		byte[] body = "not really brotli".getBytes(StandardCharsets.UTF_8);
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, body, "Content-Encoding: br"));
				Transport transport = Transport.builder().build();
				Response response = transport.roundTrip(Request.get(server.uri("/")))) {
			assertThat(response.headers().get("Content-Encoding")).isEqualTo("br");
			assertThat(response.body().readAllBytes()).isEqualTo(body);
		}
	}

	@Test
	void anEmptyGzipBodyIsEmptyWhateverItsFraming() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> {
			switch (ex.target()) {
				case "/length" -> ex.respond(200, new byte[0], "Content-Encoding: gzip");
				case "/chunked" ->
					ex.write(ServerExchange.head(200, -1, "Transfer-Encoding: chunked", "Content-Encoding: gzip")
							+ "\r\n0\r\n\r\n");
				default -> {
					ex.write(ServerExchange.head(200, -1, "Connection: close", "Content-Encoding: gzip") + "\r\n");
					ex.close();
				}
			}
		}); Transport transport = Transport.builder().build()) {
			for (String target : new String[] { "/length", "/chunked", "/until-close" }) {
				try (Response response = transport.roundTrip(Request.get(server.uri(target)))) {
					assertThat(response.body().readAllBytes()).as(target).isEmpty();
				}
			}
		}
	}

	// DESIGN: bad gzip is an error and the connection is closed, not drained into the
	// pool.
	@Test
	void aBodyThatIsNotValidGzipClosesItsConnection() throws Exception {
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200,
				"plain text, not gzip".getBytes(StandardCharsets.UTF_8), "Content-Encoding: gzip"));
				Transport transport = Transport.builder().listener(listener).build()) {
			try (Response response = transport.roundTrip(Request.get(server.uri("/")))) {
				assertThatThrownBy(() -> response.body().readAllBytes()).isInstanceOf(ZipException.class);
			}
			assertThat(transport.stats().idle()).isZero();
			assertThat(transport.stats().active()).isZero();
			assertThat(listener.events(RecordingListener.Kind.CLOSED)).extracting(RecordingListener.Event::reason)
				.containsExactly(CloseReason.ERROR);
			try (Response again = transport.roundTrip(
					Request.builder("GET", server.uri("/again")).header("Accept-Encoding", "identity").build())) {
				assertThat(again.body().readAllBytes()).hasSize(20);
			}
			assertThat(server.connectionIdsOfRequests()).containsExactly(1, 2);
		}
	}

	// Go's multistream reader fails on anything after a member that is not a member;
	// the outcome must not depend on which TCP segment the junk arrives in.
	@Test
	void bytesAfterTheGzipStreamAreAnErrorWhetherOrNotTheyArriveWithIt() throws Exception {
		byte[] gzipped = gzip(TEXT.getBytes(StandardCharsets.UTF_8));
		byte[] withJunk = Arrays.copyOf(gzipped, gzipped.length + 4);
		System.arraycopy("junk".getBytes(StandardCharsets.US_ASCII), 0, withJunk, gzipped.length, 4);
		try (ScriptedServer server = ScriptedServer.start((ex) -> {
			if (ex.target().equals("/together")) {
				ex.respond(200, withJunk, "Content-Encoding: gzip");
				return;
			}
			ex.write(ServerExchange.head(200, withJunk.length, "Content-Encoding: gzip") + "\r\n");
			ex.write(gzipped);
			ex.write("junk");
		}); Transport transport = Transport.builder().build()) {
			for (String target : new String[] { "/together", "/apart" }) {
				try (Response response = transport.roundTrip(Request.get(server.uri(target)))) {
					assertThatThrownBy(() -> response.body().readAllBytes()).as(target)
						.isInstanceOf(ZipException.class)
						.hasMessage("response body has bytes after the end of its gzip stream");
				}
			}
		}
	}

	// Go: TestRoundTripGzip ("caller asked for gzip: no decoding")
	@Test
	void callerWhoAsksForGzipItselfGetsTheRawBytesAndHeaders() throws Exception {
		byte[] gzipped = gzip(TEXT.getBytes(StandardCharsets.UTF_8));
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, gzipped, "Content-Encoding: gzip"));
				Transport transport = Transport.builder().build();
				Response response = transport
					.roundTrip(Request.builder("GET", server.uri("/")).header("Accept-Encoding", "gzip").build())) {
			assertThat(response.headers().get("Content-Encoding")).isEqualTo("gzip");
			assertThat(response.headers().get("Content-Length")).isEqualTo(Integer.toString(gzipped.length));
			assertThat(response.body().readAllBytes()).isEqualTo(gzipped);
			assertThat(server.requests().get(0).headers("Accept-Encoding")).containsExactly("gzip");
		}
	}

	// Go: TestTransportRangeAndGzip
	@Test
	void requestWithARangeDoesNotAskForGzip() throws Exception {
		try (ScriptedServer server = ScriptedServer
			.start((ex) -> ex.respond(206, "hello", "Content-Range: bytes 0-4/10"));
				Transport transport = Transport.builder().build()) {
			Request request = Request.builder("GET", server.uri("/")).header("Range", "bytes=0-4").build();
			assertThat(Fetch.text(transport, request)).isEqualTo("hello");
			assertThat(server.requests().get(0).header("Accept-Encoding")).isNull();
		}
	}

	// Go: (*Transport).roundTrip's requestedGzip ("not for HEAD")
	@Test
	void headRequestDoesNotAskForGzip() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.write(ServerExchange.head(200, 10) + "\r\n"));
				Transport transport = Transport.builder().build();
				Response response = transport.roundTrip(Request.builder("HEAD", server.uri("/")).build())) {
			assertThat(response.body().read()).isEqualTo(-1);
			assertThat(server.requests().get(0).header("Accept-Encoding")).isNull();
		}
	}

	// Go: DisableCompression
	@Test
	void disableCompressionNeitherAsksForGzipNorDecodesIt() throws Exception {
		byte[] gzipped = gzip(TEXT.getBytes(StandardCharsets.UTF_8));
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, gzipped, "Content-Encoding: gzip"));
				Transport transport = Transport.builder().disableCompression(true).build();
				Response response = transport.roundTrip(Request.get(server.uri("/")))) {
			assertThat(server.requests().get(0).header("Accept-Encoding")).isNull();
			assertThat(response.headers().get("Content-Encoding")).isEqualTo("gzip");
			assertThat(response.body().readAllBytes()).isEqualTo(gzipped);
		}
	}

	// Go: TestTransportGzipShort
	@Test
	void truncatedGzipIsAnErrorNotAShortBody() throws Exception {
		byte[] gzipped = gzip(TEXT.getBytes(StandardCharsets.UTF_8));
		byte[] truncated = Arrays.copyOf(gzipped, gzipped.length / 2);
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, truncated, "Content-Encoding: gzip"));
				Transport transport = Transport.builder().build();
				Response response = transport.roundTrip(Request.get(server.uri("/")))) {
			assertThatThrownBy(() -> response.body().readAllBytes()).isInstanceOf(EOFException.class)
				.hasMessageContaining("gzip response body is truncated");
		}
	}

	@Test
	void bodyThatIsNotGzipAtAllIsAnError() throws Exception {
		try (ScriptedServer server = ScriptedServer
			.start((ex) -> ex.respond(200, "plain text, not gzip", "Content-Encoding: gzip"));
				Transport transport = Transport.builder().build();
				Response response = transport.roundTrip(Request.get(server.uri("/")))) {
			assertThatThrownBy(() -> response.body().readAllBytes()).isInstanceOf(ZipException.class)
				.hasMessageContaining("not valid gzip");
		}
	}

	// Go: TestTransportGzip (Content-Encoding compared case-insensitively)
	@Test
	void contentEncodingIsMatchedWhateverItsCase() throws Exception {
		byte[] gzipped = gzip(TEXT.getBytes(StandardCharsets.UTF_8));
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, gzipped, "Content-Encoding: GZIP"));
				Transport transport = Transport.builder().build()) {
			assertThat(Fetch.text(transport, server.uri("/"))).isEqualTo(TEXT);
		}
	}

	// Go: TestTransportGzipRecursive
	@Test
	void gzipInsideGzipIsDecodedOnceOnly() throws Exception {
		byte[] inner = gzip(TEXT.getBytes(StandardCharsets.UTF_8));
		byte[] twice = gzip(inner);
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, twice, "Content-Encoding: gzip"));
				Transport transport = Transport.builder().build();
				Response response = transport.roundTrip(Request.get(server.uri("/")))) {
			assertThat(response.body().readAllBytes()).isEqualTo(inner);
		}
	}

	// Go: TestTransportReuseConnection_Gzip_ContentLength
	@Test
	void gzipBodiesWithContentLengthReadToTheirEndReturnTheConnectionToThePool() throws Exception {
		byte[] gzipped = gzip(TEXT.getBytes(StandardCharsets.UTF_8));
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, gzipped, "Content-Encoding: gzip"));
				Transport transport = Transport.builder().build()) {
			readThreeWithoutClosing(server, transport);
		}
	}

	// Go: TestTransportReuseConnection_Gzip_Chunked
	@Test
	void chunkedGzipBodiesReadToTheirEndReturnTheConnectionToThePool() throws Exception {
		byte[] gzipped = gzip(TEXT.getBytes(StandardCharsets.UTF_8));
		int half = gzipped.length / 2;
		try (ScriptedServer server = ScriptedServer.start((ex) -> {
			ex.write(ServerExchange.head(200, -1, "Transfer-Encoding: chunked", "Content-Encoding: gzip") + "\r\n");
			ex.write(Integer.toHexString(half) + "\r\n");
			ex.write(Arrays.copyOfRange(gzipped, 0, half));
			ex.write("\r\n" + Integer.toHexString(gzipped.length - half) + "\r\n");
			ex.write(Arrays.copyOfRange(gzipped, half, gzipped.length));
			ex.write("\r\n0\r\n\r\n");
		}); Transport transport = Transport.builder().build()) {
			readThreeWithoutClosing(server, transport);
		}
	}

	private static void readThreeWithoutClosing(ScriptedServer server, Transport transport) throws IOException {
		for (int i = 0; i < 3; i++) {
			Response response = transport.roundTrip(Request.get(server.uri("/" + i)));
			// Read to the end, never closed: the end of the gzip stream must give the
			// connection back.
			assertThat(Fetch.readToEof(response)).isEqualTo(TEXT);
			assertThat(transport.stats().active()).as("active after reading response " + i).isZero();
			assertThat(transport.stats().idle()).as("idle after reading response " + i).isEqualTo(1);
		}
		assertThat(server.requests()).extracting(RecordedRequest::connectionId).containsExactly(1, 1, 1);
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

	static byte[] gzip(byte[] bytes) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
			gzip.write(bytes);
		}
		return out.toByteArray();
	}

}
