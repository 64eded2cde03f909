package dev.roundtrip.transport.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition, with a bound. Tests use this instead of sleeping: a condition
 * that holds at once costs nothing, and one that never holds fails with a message saying
 * what was expected and what was seen.
 */
public final class Await {

	/**
	 * The bound for anything that should happen "promptly" on loopback. Generous, because
	 * it is only hit on failure.
	 */
	public static final Duration PROMPTLY = Duration.ofSeconds(5);

	private static final long POLL_NANOS = Duration.ofMillis(2).toNanos();

	private Await() {
	}

	public static void until(BooleanSupplier condition, Duration timeout, String message) {
		until(condition, timeout, () -> message);
	}

	/**
	 * Returns once {@code condition} holds; fails with {@code message} (computed then, so
	 * it can show the current state) if it does not hold within {@code timeout}.
	 */
	public static void until(BooleanSupplier condition, Duration timeout, Supplier<String> message) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() - deadline > 0) {
				throw new AssertionError("Not within " + timeout.toMillis() + " ms: " + message.get());
			}
			if (Thread.currentThread().isInterrupted()) {
				throw new AssertionError("Interrupted while waiting: " + message.get());
			}
			LockSupport.parkNanos(POLL_NANOS);
		}
	}

}
