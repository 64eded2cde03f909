package dev.roundtrip.transport.internal;

import java.util.Comparator;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Enforces deadlines that a blocked socket operation cannot enforce itself: whole-call
 * deadlines ({@link dev.roundtrip.transport.Request#timeout()}) and TLS handshakes. One
 * daemon thread sleeps until the earliest deadline and expires what is past it; a blocked
 * write cannot be interrupted any other way. What expires must never block (it closes
 * channels, never TLS sockets), or every later deadline would wait behind it. Calls
 * without a deadline never come here, so the common path pays nothing.
 */
public final class Watchdog {

	/** Something with a deadline. */
	public abstract static class Deadline {

		private static final AtomicLong SEQUENCE = new AtomicLong();

		private static final Comparator<Deadline> ORDER = Comparator.comparingLong(Deadline::deadlineNanos)
			.thenComparingLong((deadline) -> deadline.sequence);

		/** Orders equal deadlines; taken when first watched. */
		private long sequence;

		/** The {@link System#nanoTime()} by which {@link #expire()} runs. */
		protected abstract long deadlineNanos();

		/** Called on the watchdog's thread once the deadline has passed; never blocks. */
		protected abstract void expire();

	}

	private final ConcurrentSkipListSet<Deadline> calls = new ConcurrentSkipListSet<>(Deadline.ORDER);

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition changed = this.lock.newCondition();

	// guarded by lock
	private Thread thread;

	// guarded by lock
	private boolean stopped;

	public void watch(Deadline call) {
		if (call.sequence == 0) {
			call.sequence = Deadline.SEQUENCE.incrementAndGet();
		}
		this.calls.add(call);
		if (firstOrNull() == call) {
			this.lock.lock();
			try {
				if (this.stopped) {
					return;
				}
				if (this.thread == null) {
					this.thread = new Thread(this::run, "roundtrip-watchdog");
					this.thread.setDaemon(true);
					this.thread.start();
				}
				this.changed.signal();
			}
			finally {
				this.lock.unlock();
			}
		}
	}

	/**
	 * The call with the nearest deadline; other threads add and remove calls at any time.
	 */
	private Deadline firstOrNull() {
		try {
			return this.calls.first();
		}
		catch (java.util.NoSuchElementException ex) {
			return null;
		}
	}

	public void unwatch(Deadline call) {
		this.calls.remove(call);
	}

	void stop() {
		this.lock.lock();
		try {
			this.stopped = true;
			this.changed.signal();
		}
		finally {
			this.lock.unlock();
		}
	}

	private void run() {
		for (;;) {
			Deadline expired = null;
			this.lock.lock();
			try {
				if (this.stopped && this.calls.isEmpty()) {
					// Only once the calls in flight when the transport closed are over:
					// their deadlines still hold.
					this.thread = null;
					return;
				}
				Deadline first = firstOrNull();
				if (first == null) {
					this.changed.await();
				}
				else {
					long wait = first.deadlineNanos() - System.nanoTime();
					if (wait <= 0) {
						this.calls.remove(first);
						expired = first;
					}
					else {
						this.changed.awaitNanos(wait);
					}
				}
			}
			catch (InterruptedException ex) {
				return;
			}
			finally {
				this.lock.unlock();
			}
			if (expired != null) {
				try {
					expired.expire();
				}
				catch (RuntimeException | Error ex) {
					// An expiry never throws by contract; if one does, later deadlines
					// still fire.
				}
			}
		}
	}

}
