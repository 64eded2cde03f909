package dev.roundtrip.transport;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

import dev.roundtrip.transport.TransportTimeoutException.Limit;
import dev.roundtrip.transport.testing.Await;
import dev.roundtrip.transport.testing.Fetch;
import dev.roundtrip.transport.testing.RawServer;
import dev.roundtrip.transport.testing.RecordedRequest;
import dev.roundtrip.transport.testing.RecordingListener;
import dev.roundtrip.transport.testing.ScriptedServer;
import dev.roundtrip.transport.testing.TestCertificates;
import dev.roundtrip.transport.testing.UnixRelay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@code hosts.<host:port>.unix-socket}: requests to that host go over a unix domain
 * socket, as to Docker's API or a sidecar proxy. The host names used here resolve
 * nowhere, so a request that worked made no DNS lookup and no TCP connection to them.
 */
class UnixSocketTests {

	private static HostSettings over(UnixRelay relay) {
		return HostSettings.INHERIT.withUnixSocket(relay.socketFile());
	}

	@Test
	void requestsGoOverTheUnixSocketAndReuseOneConnection() throws Exception {
		try (ScriptedServer origin = ScriptedServer.start((ex) -> ex.respond(200, "hello " + ex.target()));
				UnixRelay relay = UnixRelay.to(origin.port());
				Transport transport = Transport.builder().host("docker.invalid:80", over(relay)).build()) {
			for (int i = 0; i < 3; i++) {
				assertThat(Fetch.text(transport, URI.create("http://docker.invalid/v1.43/info?n=" + i)))
					.isEqualTo("hello /v1.43/info?n=" + i);
			}
			assertThat(relay.acceptedConnections()).as("one pooled connection").isEqualTo(1);
			List<RecordedRequest> requests = origin.requests();
			assertThat(requests).extracting((r) -> r.header("Host")).containsOnly("docker.invalid");
			assertThat(transport.stats().destinations()).extracting(PoolStats.DestinationStats::destination)
				.containsExactly(new Destination("http", "docker.invalid", 80, null, null));
		}
	}

	@Test
	void aConnectionTheServerClosedWhileIdleIsNotReused() throws Exception {
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer origin = ScriptedServer.start((ex) -> ex.respond(200, "on " + ex.connectionId()));
				UnixRelay relay = UnixRelay.to(origin.port());
				Transport transport = Transport.builder()
					.host("sidecar.invalid:80", over(relay))
					.listener(listener)
					.build()) {
			URI uri = URI.create("http://sidecar.invalid/");
			assertThat(Fetch.text(transport, uri)).isEqualTo("on 1");
			relay.closeConnections();
			Await.until(() -> origin.openConnections() == 0, Await.PROMPTLY, "the relay closed its connections");
			assertThat(Fetch.text(transport, uri)).as("a new connection, no error").isEqualTo("on 2");
			assertThat(Fetch.text(transport, uri)).isEqualTo("on 2");
			assertThat(relay.acceptedConnections()).isEqualTo(2);
			assertThat(listener.events(RecordingListener.Kind.CLOSED)).extracting(RecordingListener.Event::reason)
				.as("found closed by the idle probe, not by a failed request")
				.containsExactly(CloseReason.SERVER_CLOSED);
		}
	}

	@Test
	void httpsRunsTlsOverTheUnixSocketAndVerifiesTheHost() throws Exception {
		List<String> heads = new CopyOnWriteArrayList<>();
		try (RawServer origin = RawServer.startTls(TestCertificates.serverContext(TestCertificates.loopback()),
				(conn) -> {
					List<String> head;
					while ((head = conn.readHead()) != null) {
						heads.add(head.get(0) + " " + RawServer.header(head, "Host"));
						conn.respond(200, "secret on " + conn.id());
					}
				});
				UnixRelay relay = UnixRelay.to(origin.port());
				Transport transport = Transport.builder()
					.host("localhost:8443", over(relay))
					.sslContext(TestCertificates.clientContextTrusting(TestCertificates.loopback()))
					.build()) {
			assertThat(Fetch.text(transport, URI.create("https://localhost:8443/a"))).isEqualTo("secret on 1");
			assertThat(Fetch.text(transport, URI.create("https://localhost:8443/b"))).isEqualTo("secret on 1");
			assertThat(heads).containsExactly("GET /a HTTP/1.1 localhost:8443", "GET /b HTTP/1.1 localhost:8443");
			assertThat(relay.acceptedConnections()).isEqualTo(1);
			assertThat(transport.stats().destinations().get(0).connections().get(0).remoteAddress()).isNull();
		}
	}

	@Test
	void theServersCertificateMustStillNameTheHost() throws Exception {
		try (RawServer origin = RawServer.startTls(TestCertificates.serverContext(TestCertificates.loopback()),
				(conn) -> conn.readHead());
				UnixRelay relay = UnixRelay.to(origin.port());
				Transport transport = Transport.builder()
					.host("docker.invalid:443", over(relay))
					.sslContext(TestCertificates.clientContextTrusting(TestCertificates.loopback()))
					.build()) {
			assertThatThrownBy(() -> Fetch.text(transport, URI.create("https://docker.invalid/")))
				.isInstanceOf(javax.net.ssl.SSLHandshakeException.class)
				.hasMessageContaining("docker.invalid");
		}
	}

	@Test
	void theReadTimeoutAppliesOverAUnixSocket() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		try (ScriptedServer origin = ScriptedServer.start((ex) -> {
			if (ex.requestIndex() == 1) {
				ex.hangUntil(release);
			}
			else {
				ex.respond(200, "late");
			}
		});
				UnixRelay relay = UnixRelay.to(origin.port());
				Transport transport = Transport.builder()
					.host("slow.invalid:80", over(relay))
					.readTimeout(Duration.ofMillis(200))
					.build()) {
			assertThatThrownBy(() -> Fetch.text(transport, URI.create("http://slow.invalid/"))).isInstanceOfSatisfying(
					TransportTimeoutException.class, (ex) -> assertThat(ex.limit()).isEqualTo(Limit.READ));
			release.countDown();
		}
	}

	@Test
	void cancelEndsARequestBlockedOnAUnixSocket() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		try (ScriptedServer origin = ScriptedServer.start((ex) -> ex.hangUntil(release));
				UnixRelay relay = UnixRelay.to(origin.port());
				Transport transport = Transport.builder().host("hang.invalid:80", over(relay)).build()) {
			Call call = transport.newCall(Request.get("http://hang.invalid/"));
			Thread canceller = new Thread(() -> {
				Await.until(() -> origin.requests().size() == 1, Await.PROMPTLY, "the request arrived");
				call.cancel();
			});
			canceller.start();
			assertThatThrownBy(call::execute).isInstanceOf(CanceledException.class);
			canceller.join(Await.PROMPTLY.toMillis());
			release.countDown();
		}
	}

	@Test
	void cancelWakesAReadBlockedOnAServerThatNeverAnswers() throws Exception {
		try (UnixRelay silent = UnixRelay.silent();
				Transport transport = Transport.builder().host("silent.invalid:80", over(silent)).build()) {
			Call call = transport.newCall(Request.get("http://silent.invalid/"));
			Thread canceller = new Thread(() -> {
				// The server neither answers nor closes: only the cancel can end the
				// read.
				Await.until(() -> silent.bytesReceived() > 0, Await.PROMPTLY, "the request arrived");
				call.cancel();
			});
			canceller.start();
			assertTimeoutPreemptively(Await.PROMPTLY,
					() -> assertThatThrownBy(call::execute).isInstanceOf(CanceledException.class));
			canceller.join(Await.PROMPTLY.toMillis());
		}
	}

	@Test
	void aMissingSocketFileFailsNamingIt() throws Exception {
		Path missing = Path.of(System.getProperty("java.io.tmpdir"), "roundtrip-no-such-dir", "missing.sock");
		try (Transport transport = Transport.builder()
			.host("docker.invalid:80", HostSettings.INHERIT.withUnixSocket(missing))
			.build()) {
			assertThatThrownBy(() -> Fetch.text(transport, URI.create("http://docker.invalid/")))
				.isInstanceOf(IOException.class)
				.hasMessageContaining("unix socket " + missing);
		}
	}

	@Test
	void aUnixSocketHostIsNeverProxied() throws Exception {
		try (ScriptedServer origin = ScriptedServer.start((ex) -> ex.respond(200, "direct " + ex.target()));
				UnixRelay relay = UnixRelay.to(origin.port());
				Transport transport = Transport.builder()
					.proxy(URI.create("http://127.0.0.1:9"))
					.host("docker.invalid:80", over(relay))
					.build()) {
			assertThat(Fetch.text(transport, URI.create("http://docker.invalid/info"))).isEqualTo("direct /info");
			assertThat(transport.stats().destinations().get(0).destination().proxy()).isNull();
		}
	}

}
