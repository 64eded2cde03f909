package dev.roundtrip.transport.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Runs the garbage collector until a condition holds, with a bound: for anything that
 * happens only once an object is found unreachable, such as a
 * {@link java.lang.ref.Cleaner} action. Each round asks for a collection, then polls the
 * condition for a short while so the cleaner's thread can run.
 */
public final class ForcedGc {

	/** How long each round polls the condition before collecting again. */
	private static final long ROUND_NANOS = Duration.ofMillis(50).toNanos();

	private static final long POLL_NANOS = Duration.ofMillis(2).toNanos();

	private ForcedGc() {
	}

	/**
	 * Collects garbage until {@code condition} holds; fails with {@code message}
	 * (computed then, to show the current state) if it does not within {@code timeout}.
	 * @return the number of collections asked for
	 */
	public static int until(BooleanSupplier condition, Duration timeout, Supplier<String> message) {
		long deadline = System.nanoTime() + timeout.toNanos();
		int collections = 0;
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() - deadline > 0) {
				throw new AssertionError("Not within " + timeout.toMillis() + " ms and " + collections
						+ " collections: " + message.get());
			}
			System.gc();
			collections++;
			long roundEnd = System.nanoTime() + ROUND_NANOS;
			while (!condition.getAsBoolean() && System.nanoTime() - roundEnd < 0) {
				LockSupport.parkNanos(POLL_NANOS);
			}
		}
		return collections;
	}

	public static int until(BooleanSupplier condition, Duration timeout, String message) {
		return until(condition, timeout, () -> message);
	}

}
