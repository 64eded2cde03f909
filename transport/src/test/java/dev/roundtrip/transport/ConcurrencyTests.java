package dev.roundtrip.transport;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.roundtrip.transport.testing.Await;
import dev.roundtrip.transport.testing.RecordedRequest;
import dev.roundtrip.transport.testing.ScriptedServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads at once (issue #2, behaviour 10): every request gets its own response, and
 * afterwards nothing is left active or waiting and every connection the server still has
 * open is idle in the pool.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConcurrencyTests {

	private static final int REQUESTS = 200;

	private static final Duration WAIT = Duration.ofSeconds(15);

	// Go: TestTransportConcurrency
	@Test
	void twoHundredConcurrentRequestsOnPlatformThreadsEachGetTheirOwnBody() throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(REQUESTS);
		try {
			runConcurrently(executor);
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void twoHundredConcurrentRequestsOnVirtualThreadsEachGetTheirOwnBody() throws Exception {
		ExecutorService executor = virtualThreadPerTaskExecutor();
		try {
			runConcurrently(executor);
		}
		finally {
			executor.shutdownNow();
		}
	}

	private static void runConcurrently(ExecutorService executor) throws Exception {
		try (ScriptedServer server = ScriptedServer
			.start((ex) -> ex.respond(200, ex.target() + "|" + ex.header("X-Request-Id") + "|" + ex.bodyText()));
				Transport transport = Transport.builder().build()) {
			CountDownLatch start = new CountDownLatch(1);
			Queue<String> wrong = new ConcurrentLinkedQueue<>();
			List<Future<?>> calls = new ArrayList<>();
			for (int i = 0; i < REQUESTS; i++) {
				int id = i;
				calls.add(executor.submit(() -> {
					start.await();
					Request request = Request.builder("POST", server.uri("/r/" + id))
						.header("X-Request-Id", "id-" + id)
						.body(Request.Body.of("body-" + id))
						.build();
					try (Response response = transport.roundTrip(request)) {
						String body = new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
						String expected = "/r/" + id + "|id-" + id + "|body-" + id;
						if (response.status() != 200 || !body.equals(expected)) {
							wrong.add("request " + id + " got " + response.status() + " " + body);
						}
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> call : calls) {
				call.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
			}
			assertThat(wrong).as("responses that were not their request's").isEmpty();
			assertThat(server.requests()).hasSize(REQUESTS);
			assertThat(server.requests()).extracting(RecordedRequest::target).doesNotHaveDuplicates();

			Await.until(() -> {
				PoolStats stats = transport.stats();
				return stats.active() == 0 && stats.waiting() == 0 && stats.dialing() == 0;
			}, Await.PROMPTLY, () -> "nothing active, waiting or dialing: " + transport.stats());
			Await.until(() -> server.openConnections() == transport.stats().idle(), Await.PROMPTLY,
					() -> "every connection still open is idle in the pool: server has " + server.openConnections()
							+ " open, pool " + transport.stats());
			assertThat(transport.stats().idle()).isBetween(1, 100);
		}
	}

	/**
	 * {@code Executors.newVirtualThreadPerTaskExecutor()}, found at run time: this code
	 * is compiled for Java 17.
	 */
	private static ExecutorService virtualThreadPerTaskExecutor() throws Exception {
		MethodHandle factory;
		try {
			factory = MethodHandles.publicLookup()
				.findStatic(Executors.class, "newVirtualThreadPerTaskExecutor",
						MethodType.methodType(ExecutorService.class));
		}
		catch (NoSuchMethodException ex) {
			Assumptions.assumeTrue(false,
					"virtual threads need JDK 21+; running on " + System.getProperty("java.version"));
			throw new AssertionError("unreachable");
		}
		try {
			return (ExecutorService) factory.invoke();
		}
		catch (Throwable ex) {
			throw new IllegalStateException("Executors.newVirtualThreadPerTaskExecutor() failed", ex);
		}
	}

}
