package dev.roundtrip.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.roundtrip.transport.testing.Await;
import dev.roundtrip.transport.testing.Fetch;
import dev.roundtrip.transport.testing.ScriptedServer;
import dev.roundtrip.transport.testing.ServerExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Body framing (issue #2, behaviour 9; DESIGN 2.5): {@code Content-Length} and chunked
 * bodies are delivered byte for byte, binary included, and end exactly where they end
 * (the next response on the connection comes out whole); a body cut short by the server
 * closing is an error, never a short body.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BodyFramingTests {

	private static final Duration WAIT = Await.PROMPTLY;

	/** Every octet value, CR LF sequences, and bytes that look like chunk framing. */
	private static byte[] binary(int length, long seed) {
		byte[] bytes = new byte[length];
		new Random(seed).nextBytes(bytes);
		for (int i = 0; i < 256 && i < length; i++) {
			bytes[i] = (byte) i;
		}
		byte[] tricky = "\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
		if (length >= 300 + tricky.length) {
			System.arraycopy(tricky, 0, bytes, 300, tricky.length);
		}
		return bytes;
	}

	@Test
	void contentLengthBodiesAreDeliveredExactlyIncludingBinary() throws Exception {
		byte[] first = binary(70_000, 1);
		byte[] second = binary(3, 2);
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200,
				ex.target().equals("/first") ? first : second, "Content-Type: application/octet-stream"));
				Transport transport = Transport.builder().build()) {
			assertThat(read(transport, server, "/first")).isEqualTo(first);
			assertThat(read(transport, server, "/second")).isEqualTo(second);
			assertThat(server.request("/second").connectionId()).isEqualTo(1);
		}
	}

	@Test
	void chunkedBodyWithExtensionsAndTrailersIsDeliveredExactly() throws Exception {
		byte[] body = binary(20_000, 3);
		try (ScriptedServer server = ScriptedServer.start((ex) -> {
			if (!ex.target().equals("/chunked")) {
				ex.respond(200, ex.target());
				return;
			}
			ex.write(ServerExchange.head(200, -1, "Transfer-Encoding: chunked", "Trailer: X-Checksum") + "\r\n");
			// Pieces of 1 byte, 299 bytes, a 9 999-byte one (more than one read buffer),
			// and the rest;
			// sizes in upper and lower case hex, one with an extension.
			int[] cuts = { 0, 1, 300, 10_299, body.length };
			for (int i = 0; i + 1 < cuts.length; i++) {
				int size = cuts[i + 1] - cuts[i];
				String hex = (i % 2 == 0) ? Integer.toHexString(size).toUpperCase() : Integer.toHexString(size);
				ex.write(hex + ((i == 1) ? ";name=\"value\"" : "") + "\r\n");
				byte[] piece = new byte[size];
				System.arraycopy(body, cuts[i], piece, 0, size);
				ex.write(piece);
				ex.write("\r\n");
			}
			ex.write("0\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n");
		}); Transport transport = Transport.builder().build()) {
			assertThat(read(transport, server, "/chunked")).isEqualTo(body);
			// Had the trailers not been consumed exactly, this response would be garbled.
			assertThat(Fetch.text(transport, server.uri("/after"))).isEqualTo("/after");
			assertThat(server.request("/after").connectionId()).isEqualTo(1);
		}
	}

	// Go: TestTransportPersistConnLeakShortBody (a short body is an error and leaks
	// nothing)
	@Test
	void bodyShorterThanItsContentLengthIsAnError() throws Exception {
		assertCutShort("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello");
	}

	@Test
	void chunkedBodyEndingWithoutItsLastChunkIsAnError() throws Exception {
		assertCutShort("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
	}

	@Test
	void chunkCutShortIsAnError() throws Exception {
		assertCutShort("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\nhello");
	}

	/**
	 * {@code /cut} gets {@code response} and the server closes. Reading must end in an
	 * IOException after at most the bytes sent, never in a plain EOF; the next request
	 * works on a new connection.
	 */
	private static void assertCutShort(String response) throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> {
			if (ex.target().equals("/cut")) {
				ex.write(response);
				ex.close();
			}
			else {
				ex.respond(200, ex.target());
			}
		}); Transport transport = Transport.builder().build()) {
			ByteArrayOutputStream received = new ByteArrayOutputStream();
			try (Response cut = transport.roundTrip(Request.get(server.uri("/cut")))) {
				assertThatExceptionOfType(IOException.class).as("reading a body cut short").isThrownBy(() -> {
					byte[] buffer = new byte[64];
					int n;
					while ((n = cut.body().read(buffer)) != -1) {
						received.write(buffer, 0, n);
					}
				});
			}
			catch (IOException closeFailure) {
				// closing a broken body may fail too; what matters is that reading did
			}
			assertThat(received.toString(StandardCharsets.ISO_8859_1)).isIn("", "h", "he", "hel", "hell", "hello");
			assertThat(Fetch.text(transport, server.uri("/next"))).isEqualTo("/next");
			assertThat(server.request("/next").connectionId()).isEqualTo(2);
			Await.until(() -> transport.stats().active() == 0, WAIT, () -> "nothing active: " + transport.stats());
		}
	}

	private static byte[] read(Transport transport, ScriptedServer server, String path) throws IOException {
		try (Response response = transport.roundTrip(Request.get(server.uri(path)))) {
			assertThat(response.status()).isEqualTo(200);
			return response.body().readAllBytes();
		}
	}

}
