package dev.roundtrip.transport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.roundtrip.transport.testing.Await;
import dev.roundtrip.transport.testing.Fetch;
import dev.roundtrip.transport.testing.RecordedRequest;
import dev.roundtrip.transport.testing.RecordingListener;
import dev.roundtrip.transport.testing.ScriptedServer;
import dev.roundtrip.transport.testing.ServerExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keep-alive reuse (issue #2, behaviour 1; DESIGN 2.3 and section 4's table): sequential
 * requests whose bodies are read to EOF share one connection, whether or not the body is
 * closed.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KeepAliveTests {

	private static final Duration WAIT = Await.PROMPTLY;

	// Go: TestTransportKeepAlives, TestTransportPoolConnReusePriorConnection
	@Test
	void sequentialRequestsWhoseBodiesAreReadToEofAndClosedShareOneConnection() throws Exception {
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, "hello " + ex.target()));
				Transport transport = Transport.builder().listener(listener).build()) {
			for (int i = 1; i <= 5; i++) {
				try (Response response = transport.roundTrip(Request.get(server.uri("/" + i)))) {
					assertThat(response.status()).isEqualTo(200);
					assertThat(Fetch.readToEof(response)).isEqualTo("hello /" + i);
				}
			}
			assertOneConnectionCarried(server, 5);
			assertThat(listener.events(RecordingListener.Kind.ACQUIRED)).extracting(RecordingListener.Event::reused)
				.containsExactly(false, true, true, true, true);
			assertThat(transport.stats().idle()).isEqualTo(1);
			assertThat(transport.stats().active()).isZero();
		}
	}

	// Go: TestTransportReadToEndReusesConn (seed 3-2: read to EOF, no close)
	@Test
	void sequentialRequestsWhoseBodiesAreReadToEofWithoutCloseShareOneConnection() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, "hello " + ex.target()));
				Transport transport = Transport.builder().build()) {
			for (int i = 1; i <= 5; i++) {
				Response response = transport.roundTrip(Request.get(server.uri("/" + i)));
				// Deliberately never closed: reading to EOF alone must give the
				// connection back.
				assertThat(Fetch.readToEof(response)).isEqualTo("hello /" + i);
			}
			assertOneConnectionCarried(server, 5);
			assertThat(transport.stats().active()).isZero();
			assertThat(transport.stats().idle()).isEqualTo(1);
		}
	}

	// Go: TestTransportReadToEndReusesConn (its one Read returns the whole body and
	// io.EOF together;
	// Java cannot return both, so reading the last byte of a Content-Length body is the
	// EOF)
	@Test
	void contentLengthBodyReadToItsLastByteReturnsTheConnectionWithoutAnotherRead() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, "foobar"));
				Transport transport = Transport.builder().build()) {
			for (int i = 1; i <= 3; i++) {
				Response response = transport.roundTrip(Request.get(server.uri("/" + i)));
				// Exactly the announced length, never asking for more, never closed.
				assertThat(new String(response.body().readNBytes(6), StandardCharsets.UTF_8)).isEqualTo("foobar");
			}
			assertOneConnectionCarried(server, 3);
		}
	}

	// Go: TestTransportReadToEndReusesConn ("/chunked/"),
	// TestTransportReuseConnection_Gzip_Chunked
	@Test
	void chunkedBodiesReadToEofShareOneConnectionWhetherClosedOrNot() throws Exception {
		try (ScriptedServer server = ScriptedServer.start(
				(ex) -> ex.write(ServerExchange.head(200, -1, "Transfer-Encoding: chunked") + "\r\n" + "6\r\nhello \r\n"
						+ Integer.toHexString(ex.target().length()) + "\r\n" + ex.target() + "\r\n0\r\n\r\n"));
				Transport transport = Transport.builder().build()) {
			for (int i = 1; i <= 6; i++) {
				Response response = transport.roundTrip(Request.get(server.uri("/chunk" + i)));
				assertThat(new String(response.body().readAllBytes(), StandardCharsets.UTF_8))
					.isEqualTo("hello /chunk" + i);
				if (i % 2 == 0) {
					response.close();
				}
			}
			assertOneConnectionCarried(server, 6);
			assertThat(transport.stats().active()).isZero();
		}
	}

	// Go: TestTransportReuseConnEmptyResponseBody
	@Test
	void hundredSequentialEmptyBodyResponsesUseOneConnection() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, ""));
				Transport transport = Transport.builder().build()) {
			for (int i = 1; i <= 100; i++) {
				try (Response response = transport.roundTrip(Request.get(server.uri("/" + i)))) {
					assertThat(response.status()).isEqualTo(200);
					assertThat(response.body().read()).isEqualTo(-1);
				}
			}
			assertOneConnectionCarried(server, 100);
		}
	}

	private static void assertOneConnectionCarried(ScriptedServer server, int requests) {
		server.awaitRequests(requests, WAIT);
		assertThat(server.requests()).extracting(RecordedRequest::connectionId)
			.as("connection each request arrived on")
			.containsOnly(1)
			.hasSize(requests);
		assertThat(server.acceptedConnections()).as("connections the server accepted").isEqualTo(1);
		assertThat(server.connection(1).isOpen()).as("the one connection is still open").isTrue();
	}

}
