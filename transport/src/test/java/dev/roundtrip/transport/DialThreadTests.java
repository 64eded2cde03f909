package dev.roundtrip.transport;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.roundtrip.transport.testing.Fetch;
import dev.roundtrip.transport.testing.ScriptedServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A dial runs on a thread of the kind that asked for it. A socket connected on a virtual
 * thread is non-blocking for good, and a platform thread reading it pays a failed read
 * and a poll per response; so a platform thread's request is dialed on a platform thread.
 * Meaningful on JDK 21 and later, where there are virtual threads to choose.
 */
class DialThreadTests {

	@Test
	void aPlatformThreadsRequestIsDialedOnAPlatformThread() throws Throwable {
		CompletableFuture<Thread> dialThread = new CompletableFuture<>();
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, "ok"));
				Transport transport = Transport.builder().listener(recordingDialThread(dialThread)).build()) {
			assertThat(Fetch.text(transport, server.uri("/"))).isEqualTo("ok");
			Thread thread = dialThread.get(10, TimeUnit.SECONDS);
			assertThat(isVirtual(thread)).as("dialed on a virtual thread").isFalse();
			assertThat(thread.getName()).startsWith("roundtrip-dial-");
		}
	}

	@Test
	void aVirtualThreadsRequestIsDialedOnAVirtualThread() throws Throwable {
		CompletableFuture<Thread> dialThread = new CompletableFuture<>();
		ExecutorService virtual = virtualThreadPerTaskExecutor();
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, "ok"));
				Transport transport = Transport.builder().listener(recordingDialThread(dialThread)).build()) {
			Future<String> answer = virtual.submit(() -> Fetch.text(transport, server.uri("/")));
			assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
			assertThat(isVirtual(dialThread.get(10, TimeUnit.SECONDS))).isTrue();
		}
		finally {
			virtual.shutdown();
		}
	}

	private static TransportListener recordingDialThread(CompletableFuture<Thread> dialThread) {
		return new TransportListener() {

			@Override
			public void dialStarted(Destination destination) {
				dialThread.complete(Thread.currentThread());
			}

		};
	}

	private static boolean isVirtual(Thread thread) throws Throwable {
		MethodHandle isVirtual;
		try {
			isVirtual = MethodHandles.publicLookup()
				.findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
		}
		catch (NoSuchMethodException ex) {
			return false;
		}
		return (boolean) isVirtual.invoke(thread);
	}

	/** Compiled for Java 17: found at run time, the test skipped before JDK 21. */
	private static ExecutorService virtualThreadPerTaskExecutor() throws Throwable {
		MethodHandle factory;
		try {
			factory = MethodHandles.publicLookup()
				.findStatic(Executors.class, "newVirtualThreadPerTaskExecutor",
						MethodType.methodType(ExecutorService.class));
		}
		catch (NoSuchMethodException ex) {
			Assumptions.assumeTrue(false, "virtual threads need JDK 21+");
			throw new AssertionError("unreachable");
		}
		return (ExecutorService) factory.invoke();
	}

}
