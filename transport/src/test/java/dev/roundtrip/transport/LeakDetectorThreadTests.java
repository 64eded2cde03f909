package dev.roundtrip.transport;

import java.io.IOException;
import java.time.Duration;

import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.roundtrip.transport.testing.Await;
import dev.roundtrip.transport.testing.CapturedLog;
import dev.roundtrip.transport.testing.ForcedGc;
import dev.roundtrip.transport.testing.ScriptedServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Leak detection runs on a thread of the transport's own, which ends with the transport:
 * nothing of a closed transport stays behind (a JVM-wide {@code Cleaner} thread would
 * keep a redeployed web application's class loader).
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LeakDetectorThreadTests {

	private CapturedLog log;

	@BeforeEach
	void captureLeakWarnings() {
		this.log = CapturedLog.of("dev.roundtrip.transport.LeakDetection");
	}

	@AfterEach
	void stopCapturing() {
		this.log.close();
	}

	@Test
	void aLeakIsHandledOnTheRoundtripLeakDetectorThreadWhichEndsWhenTheTransportCloses() throws Exception {
		AtomicReference<Thread> closingThread = new AtomicReference<>();
		TransportListener listener = new TransportListener() {

			@Override
			public void connectionClosed(ConnectionInfo connection, CloseReason reason, long lifetimeNanos) {
				if (reason == CloseReason.LEAKED) {
					closingThread.set(Thread.currentThread());
				}
			}

		};
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, "hello"))) {
			Transport transport = Transport.builder().listener(listener).build();
			try {
				sendAndDrop(transport, server);
				ForcedGc.until(() -> closingThread.get() != null, Duration.ofSeconds(10),
						"leak detection to close the dropped response's connection");
				Thread detector = closingThread.get();
				assertThat(detector.getName()).isEqualTo("roundtrip-leak-detector");
				assertThat(detector.isDaemon()).isTrue();
				assertThat(detector.isAlive()).isTrue();
				transport.close();
				Await.until(() -> !detector.isAlive(), Await.PROMPTLY, "the leak detector's thread to end");
			}
			finally {
				transport.close();
			}
		}
	}

	@Test
	void theLeakWarningTellsSpringUsersWhatToClose() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, "hello"));
				Transport transport = Transport.builder().build()) {
			sendAndDrop(transport, server);
			ForcedGc.until(() -> !this.log.records().isEmpty(), Duration.ofSeconds(10), "a leak warning");
			assertThat(this.log.records().get(0).getMessage()).contains("Close every Response (try-with-resources)")
				.contains("close the ClientHttpResponse")
				.contains("use retrieve()");
		}
	}

	@Test
	void aTransportWithLeakDetectionOffStartsNoThread() throws Exception {
		AtomicReference<Thread> closingThread = new AtomicReference<>();
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, "hello"));
				Transport transport = Transport.builder().leakDetection(LeakDetection.DISABLED).build()) {
			long before = detectorThreads();
			try (Response response = transport.roundTrip(Request.get(server.uri("/")))) {
				response.body().readAllBytes();
			}
			assertThat(detectorThreads()).isLessThanOrEqualTo(before);
			assertThat(closingThread.get()).isNull();
		}
	}

	private static long detectorThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().equals("roundtrip-leak-detector"))
			.count();
	}

	private static void sendAndDrop(Transport transport, ScriptedServer server) throws IOException {
		transport.roundTrip(Request.get(server.uri("/leak")));
	}

}
