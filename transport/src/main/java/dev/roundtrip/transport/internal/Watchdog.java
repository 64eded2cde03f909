package dev.roundtrip.transport.internal;

import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Enforces whole-call deadlines ({@link dev.roundtrip.transport.Request#timeout()}). One
 * daemon thread sleeps until the earliest deadline and cancels the calls past theirs; a
 * blocked write cannot be interrupted any other way. Calls without a deadline never come
 * here, so the common path pays nothing.
 */
final class Watchdog {

	private final ConcurrentSkipListSet<RealCall> calls = new ConcurrentSkipListSet<>(RealCall.BY_DEADLINE);

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition changed = this.lock.newCondition();

	// guarded by lock
	private Thread thread;

	// guarded by lock
	private boolean stopped;

	void watch(RealCall call) {
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
	private RealCall firstOrNull() {
		try {
			return this.calls.first();
		}
		catch (java.util.NoSuchElementException ex) {
			return null;
		}
	}

	void unwatch(RealCall call) {
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
			RealCall expired = null;
			this.lock.lock();
			try {
				if (this.stopped && this.calls.isEmpty()) {
					// Only once the calls in flight when the transport closed are over:
					// their deadlines still hold.
					this.thread = null;
					return;
				}
				RealCall first = firstOrNull();
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
				expired.deadlineExpired();
			}
		}
	}

}
