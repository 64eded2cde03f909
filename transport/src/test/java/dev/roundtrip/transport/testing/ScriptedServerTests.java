package dev.roundtrip.transport.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The harness itself, driven by raw sockets: the transport's tests are only as good as
 * the server's account of connections and requests.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ScriptedServerTests {

	private static final Duration WAIT = Await.PROMPTLY;

	@Test
	void recordsEachRequestWithTheConnectionItArrivedOn() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, ex.target() + ":" + ex.bodyText()));
				Socket first = connect(server);
				Socket second = connect(server)) {
			send(first, "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
			assertThat(readResponse(first, 6)).endsWith("/a:abc");
			send(first, "POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
					+ "2;ext=1\r\nxy\r\n1\r\nz\r\n0\r\nX-Trailer: t\r\n\r\n");
			assertThat(readResponse(first, 6)).endsWith("/b:xyz");
			server.awaitAccepted(2, WAIT);
			send(second, "GET /c HTTP/1.1\r\nHost: x\r\n\r\n");
			assertThat(readResponse(second, 3)).endsWith("/c:");

			assertThat(server.requests()).extracting(RecordedRequest::target).containsExactly("/a", "/b", "/c");
			assertThat(server.request("/b").trailers()).hasSize(1);
			int firstId = server.request("/a").connectionId();
			assertThat(server.request("/b").connectionId()).isEqualTo(firstId);
			assertThat(server.request("/b").indexOnConnection()).isEqualTo(2);
			assertThat(server.request("/c").connectionId()).isNotEqualTo(firstId);
			assertThat(server.connection(firstId).clientPort()).isEqualTo(first.getLocalPort());
			assertThat(server.openConnections()).isEqualTo(2);
		}
	}

	@Test
	void seesTheClientCloseAnIdleConnection() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, "ok"))) {
			Socket socket = connect(server);
			send(socket, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
			readResponse(socket, 2);
			assertThat(server.connection(1).isOpen()).isTrue();
			socket.close();
			server.awaitClientClosed(1, WAIT);
			assertThat(server.openConnections()).isZero();
		}
	}

	@Test
	void hangSeesTheClientCloseWithoutBeingReleased() throws Exception {
		CountDownLatch never = new CountDownLatch(1);
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.hangUntil(never))) {
			Socket socket = connect(server);
			send(socket, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
			server.awaitRequests(1, WAIT);
			socket.close();
			server.awaitClientClosed(1, WAIT);
		}
	}

	@Test
	void halfCloseStillSeesWhatTheClientSendsAndWhenItCloses() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> {
			ex.respond(200, "ok");
			ex.shutdownOutput();
		})) {
			Socket socket = connect(server);
			send(socket, "GET /1 HTTP/1.1\r\nHost: x\r\n\r\n");
			readResponse(socket, 2);
			assertThat(socket.getInputStream().read()).isEqualTo(-1);
			send(socket, "GET /2 HTTP/1.1\r\nHost: x\r\n\r\n");
			server.awaitRequests(2, WAIT);
			assertThat(server.requestsOn(1)).hasSize(2);
			socket.close();
			server.awaitClientClosed(1, WAIT);
		}
	}

	@Test
	void filledAcceptQueueStallsConnectUntilAcceptingResumes() throws Exception {
		try (ScriptedServer server = ScriptedServer.builder().backlog(1).start((ex) -> ex.respond(200, "ok"))) {
			server.pauseAccepting();
			server.fillAcceptQueue();
			Background<Socket> dial = Background.start("slow-dial", () -> connect(server));
			Thread.sleep(300); // the property under test is that nothing happens during
								// this time
			assertThat(dial.isDone()).as("connect completed while the accept queue was full").isFalse();
			server.resumeAccepting();
			try (Socket socket = dial.get(Duration.ofSeconds(10))) {
				server.awaitAccepted(1, WAIT);
				assertThat(server.acceptedConnections()).as("fillers are not counted").isEqualTo(1);
				assertThat(server.connection(1).clientPort()).isEqualTo(socket.getLocalPort());
			}
		}
	}

	@Test
	void closeStopsEveryThread() throws Exception {
		CountDownLatch never = new CountDownLatch(1);
		ScriptedServer server = ScriptedServer.start((ex) -> ex.stallUntil(never));
		Socket socket = connect(server);
		send(socket, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
		server.awaitRequests(1, WAIT);
		server.close();
		Await.until(
				() -> Thread.getAllStackTraces()
					.keySet()
					.stream()
					.noneMatch((t) -> t.getName().startsWith("scripted-server-" + server.port() + "-")),
				WAIT, "every server thread to stop");
		socket.close();
	}

	private static Socket connect(ScriptedServer server) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
		socket.setSoTimeout(10_000);
		return socket;
	}

	private static void send(Socket socket, String text) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write(text.getBytes(StandardCharsets.ISO_8859_1));
		out.flush();
	}

	/** Reads a response whose body has {@code bodyLength} bytes; returns it whole. */
	private static String readResponse(Socket socket, int bodyLength) throws IOException {
		InputStream in = socket.getInputStream();
		StringBuilder text = new StringBuilder();
		while (!text.toString().contains("\r\n\r\n")) {
			int b = in.read();
			if (b < 0) {
				throw new IOException("EOF in head: " + text);
			}
			text.append((char) b);
		}
		text.append(new String(in.readNBytes(bodyLength), StandardCharsets.ISO_8859_1));
		return text.toString();
	}

}
