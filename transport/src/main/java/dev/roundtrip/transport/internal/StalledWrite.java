package dev.roundtrip.transport.internal;

import dev.roundtrip.transport.internal.conn.Connection;

/**
 * Watches a request body being written on a plain connection: when the write has not
 * moved since the last look and the server has sent something, the server has answered
 * early and stopped reading, so the write is stopped ({@link Connection#stopWriting()})
 * and the exchange reads the answer. Re-armed on the watchdog every {@link #CHECK_NANOS}
 * while the write goes on.
 */
final class StalledWrite extends Watchdog.Deadline {

	/** How often a body being written is looked at. */
	static final long CHECK_NANOS = 100_000_000L;

	/**
	 * Bodies of known length up to this size are not watched: socket buffers take them.
	 */
	static final long UNWATCHED_BODY_BYTES = 64 * 1024;

	private final Watchdog watchdog;

	private final Connection conn;

	/** Changed only while this is not in the watchdog's set. */
	private long deadlineNanos;

	private long lastSent = -1;

	private volatile boolean stopped;

	StalledWrite(Watchdog watchdog, Connection conn) {
		this.watchdog = watchdog;
		this.conn = conn;
		this.deadlineNanos = System.nanoTime() + CHECK_NANOS;
		watchdog.watch(this);
	}

	@Override
	protected long deadlineNanos() {
		return this.deadlineNanos;
	}

	@Override
	protected void expire() {
		if (this.stopped) {
			return;
		}
		if (this.conn.answeredWhileWriteStalled(this.lastSent)) {
			this.conn.stopWriting();
			return;
		}
		this.lastSent = this.conn.bytesSent();
		this.deadlineNanos = System.nanoTime() + CHECK_NANOS;
		this.watchdog.watch(this);
	}

	void stop() {
		this.stopped = true;
		this.watchdog.unwatch(this);
	}

}
