package dev.roundtrip.transport;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.roundtrip.transport.TransportTimeoutException.Limit;
import dev.roundtrip.transport.testing.Await;
import dev.roundtrip.transport.testing.Background;
import dev.roundtrip.transport.testing.EndlessBody;
import dev.roundtrip.transport.testing.RawServer;
import dev.roundtrip.transport.testing.ScriptedServer;
import dev.roundtrip.transport.testing.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cancel or deadline ends a call whose TLS request body is blocked in a write. The
 * JDK's {@code SSLSocket.close()} sends close_notify and so waits for the output lock the
 * blocked writer holds; an abort that closed the TLS socket first hung, and took the
 * deadline thread with it. Go, OkHttp and Apache close the socket, not the TLS session,
 * and so does the transport: the raw channel first, from any thread, without blocking.
 */
@Timeout(60)
class TlsCancellationTests {

	private static final Duration WAIT = Await.PROMPTLY;

	private final CountDownLatch release = new CountDownLatch(1);

	@AfterEach
	void releaseServers() {
		this.release.countDown();
	}

	/** An HTTPS server that reads the request head and never the body. */
	private RawServer neverReadsTheBody() {
		return RawServer.startTls(TestCertificates.serverContext(TestCertificates.loopback()), (conn) -> {
			conn.handshake();
			conn.readHead();
			this.release.await();
		});
	}

	private static Transport transport() {
		return Transport.builder()
			.sslContext(TestCertificates.clientContextTrusting(TestCertificates.loopback()))
			.build();
	}

	@Test
	void requestTimeoutEndsATlsCallBlockedWritingItsBodyAndLaterDeadlinesStillFire() throws Exception {
		try (RawServer tls = neverReadsTheBody();
				ScriptedServer plain = ScriptedServer.builder().lazyBodies().start((ex) -> ex.stallUntil(this.release));
				Transport transport = transport()) {
			EndlessBody body = new EndlessBody();
			Call call = transport.newCall(Request.builder("PUT", tls.uri("https", "/upload"))
				.body(body)
				.timeout(Duration.ofSeconds(2))
				.build());
			Throwable failure = Background.start("tls upload", call::execute).failure(WAIT.multipliedBy(2));
			assertThat(failure).isInstanceOf(TransportTimeoutException.class);
			assertThat(((TransportTimeoutException) failure).limit()).isEqualTo(Limit.CALL);
			assertThat(body.written.get()).as("the write had started").isPositive();

			// The deadline thread survived: a later call's deadline fires too.
			EndlessBody second = new EndlessBody();
			Call next = transport.newCall(
					Request.builder("PUT", plain.uri("/upload")).body(second).timeout(Duration.ofSeconds(1)).build());
			Throwable nextFailure = Background.start("plain upload", next::execute).failure(WAIT);
			assertThat(nextFailure).isInstanceOf(TransportTimeoutException.class);
			Await.until(() -> transport.stats().active() == 0, WAIT, () -> "nothing active: " + transport.stats());
		}
	}

	@Test
	void cancelEndsATlsCallBlockedWritingItsBody() throws Exception {
		try (RawServer tls = neverReadsTheBody(); Transport transport = transport()) {
			EndlessBody body = new EndlessBody();
			Call call = transport.newCall(Request.builder("PUT", tls.uri("https", "/upload")).body(body).build());
			Background<Response> running = Background.start("tls upload", call::execute);
			// Blocked once the socket buffers are full: the count stops growing.
			Await.until(() -> body.written.get() > 0, WAIT, "the body to start being written");
			Background<Boolean> canceling = Background.start("cancel", () -> {
				call.cancel();
				return true;
			});
			assertThat(canceling.get(WAIT)).as("cancel() returns").isTrue();
			assertThat(running.failure(WAIT)).isInstanceOf(CanceledException.class);
			Await.until(() -> transport.stats().active() == 0, WAIT, () -> "nothing active: " + transport.stats());
			assertThat(transport.stats().idle()).isZero();
		}
	}

}
