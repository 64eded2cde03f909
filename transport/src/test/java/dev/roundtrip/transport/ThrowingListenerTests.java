package dev.roundtrip.transport;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.roundtrip.transport.testing.Fetch;
import dev.roundtrip.transport.testing.ScriptedServer;

import static org.assertj.core.api.Assertions.assertThat;

/** A listener that throws from every callback breaks no exchange and no pool state. */
class ThrowingListenerTests {

	@Test
	void everyCallbackMayThrowAndRequestsStillSucceed() throws Exception {
		AtomicInteger calls = new AtomicInteger();
		TransportListener throwing = new TransportListener() {

			private void fail() {
				calls.incrementAndGet();
				throw new IllegalStateException("listener bug");
			}

			@Override
			public void waitingForConnection(Destination destination) {
				fail();
			}

			@Override
			public void connectionAcquired(ConnectionInfo connection, boolean reused, long waitNanos) {
				fail();
			}

			@Override
			public void connectionAcquireFailed(Destination destination, AcquireFailure outcome, long waitNanos) {
				fail();
			}

			@Override
			public void dialStarted(Destination destination) {
				fail();
			}

			@Override
			public void dialSucceeded(ConnectionInfo connection, long durationNanos) {
				fail();
			}

			@Override
			public void dialFailed(Destination destination, Throwable failure, long durationNanos) {
				fail();
			}

			@Override
			public void connectionIdle(ConnectionInfo connection) {
				fail();
			}

			@Override
			public void connectionClosed(ConnectionInfo connection, CloseReason reason, long lifetimeNanos) {
				fail();
			}

			@Override
			public void responseReceived(ConnectionInfo connection, String method, String target, int status) {
				fail();
			}

		};
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, "ok"));
				Transport transport = Transport.builder().listener(throwing).maxConnsPerHost(1).build()) {
			for (int i = 0; i < 3; i++) {
				assertThat(Fetch.text(transport, server.uri("/"))).isEqualTo("ok");
			}
			assertThat(server.acceptedConnections()).isEqualTo(1);
			transport.closeIdleConnections();
			assertThat(transport.stats().open()).isZero();
			try (Transport refused = Transport.builder()
				.listener(throwing)
				.dialTimeout(java.time.Duration.ofSeconds(2))
				.build()) {
				org.assertj.core.api.Assertions.assertThatIOException()
					.isThrownBy(() -> Fetch.text(refused, java.net.URI.create("http://127.0.0.1:1/")));
			}
		}
		assertThat(calls).as("every callback was called, and threw").hasValueGreaterThan(9);
	}

}
