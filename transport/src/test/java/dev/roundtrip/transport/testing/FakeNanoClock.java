package dev.roundtrip.transport.testing;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A clock for {@code Transport.Builder.nanoClock} that moves only when the test advances
 * it.
 */
public final class FakeNanoClock implements LongSupplier {

	private final AtomicLong now = new AtomicLong(1_000_000_000_000L);

	@Override
	public long getAsLong() {
		return this.now.get();
	}

	public void advance(Duration duration) {
		this.now.addAndGet(duration.toNanos());
	}

}
