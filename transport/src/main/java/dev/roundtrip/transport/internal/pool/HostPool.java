package dev.roundtrip.transport.internal.pool;

import java.util.ArrayDeque;

import dev.roundtrip.transport.Destination;

/**
 * One destination's share of the pool: its idle stack, its waiters and its counts. Every
 * field is guarded by the owning {@link ConnectionPool}'s lock. Go keeps the same state
 * in maps keyed by {@code connectMethodKey}: {@code idleConn}, {@code idleConnWait},
 * {@code connsPerHost}, {@code connsPerHostWait}.
 */
final class HostPool {

	final Destination destination;

	final Limits limits;

	/** Idle connections, most recently returned last: reuse takes from the tail. */
	final ArrayDeque<Pooled> idle = new ArrayDeque<>();

	/**
	 * Requests waiting for any connection, oldest first. Each is also dialing or in
	 * {@link #dialWaiters}.
	 */
	final ArrayDeque<Want> idleWaiters = new ArrayDeque<>();

	/**
	 * Requests waiting for a slot under {@code max-conns-per-host} to dial, oldest first.
	 */
	final ArrayDeque<Want> dialWaiters = new ArrayDeque<>();

	int active;

	int dialing;

	/**
	 * Connections taken out of the pool whose sockets are not closed yet: they still hold
	 * their {@code max-conns-per-host} slots, so that the server never sees more.
	 */
	int closing;

	/** Warm dials that failed in a row; decides the backoff before the next. */
	int warmFailures;

	/** Whether a failed warm dial holds the next back until {@link #warmRetryNanos}. */
	boolean warmHeldBack;

	/** When the next warm dial may start after a failure, on the pool's clock. */
	long warmRetryNanos;

	/**
	 * Head of the list of every open connection, idle or active, linked through
	 * {@link Pooled#hostNext}.
	 */
	Pooled connections;

	HostPool(Destination destination, Limits limits) {
		this.destination = destination;
		this.limits = limits;
	}

	/**
	 * Dialing, active, idle and closing: what {@code max-conns-per-host} counts.
	 */
	int total() {
		return this.dialing + this.active + this.idle.size() + this.closing;
	}

	boolean hasRoomToDial() {
		return this.limits.maxConnsPerHost() <= 0 || total() < this.limits.maxConnsPerHost();
	}

	/** Idle and active: the connections open now. */
	int open() {
		return this.active + this.idle.size();
	}

	/**
	 * At {@code max-conns-per-host} only because of sockets being closed: a request then
	 * waits the moment it takes, rather than being refused.
	 */
	boolean fullOnlyWhileClosing() {
		return this.closing > 0 && total() - this.closing < this.limits.maxConnsPerHost();
	}

	boolean isUnused() {
		return this.limits.minIdleConns() == 0 && this.connections == null && this.dialing == 0 && this.closing == 0
				&& this.idleWaiters.isEmpty() && this.dialWaiters.isEmpty();
	}

	void link(Pooled connection) {
		connection.host = this;
		connection.hostPrev = null;
		connection.hostNext = this.connections;
		if (this.connections != null) {
			this.connections.hostPrev = connection;
		}
		this.connections = connection;
	}

	void unlink(Pooled connection) {
		if (connection.hostPrev != null) {
			connection.hostPrev.hostNext = connection.hostNext;
		}
		else {
			this.connections = connection.hostNext;
		}
		if (connection.hostNext != null) {
			connection.hostNext.hostPrev = connection.hostPrev;
		}
		connection.hostPrev = null;
		connection.hostNext = null;
	}

	/**
	 * The limits in force for one destination: the transport's settings with that host's
	 * overrides applied. Durations in nanoseconds, 0 for none, except
	 * {@code poolWaitNanos}: -1 for none, 0 for fail-fast.
	 */
	record Limits(int maxConnsPerHost, int maxIdleConnsPerHost, long idleConnTimeoutNanos, long maxConnLifetimeNanos,
			long lifetimeJitterNanos, long poolWaitNanos, int maxPendingPerHost, int maxRequestsPerConn, boolean fifo,
			int minIdleConns) {

	}

}
