package dev.roundtrip.transport.internal.pool;

import dev.roundtrip.transport.CloseReason;
import dev.roundtrip.transport.ConnectionInfo;

/**
 * What the pool needs of a connection. The pool's bookkeeping lives here as fields
 * guarded by the pool's lock, so taking and returning a connection allocates nothing. The
 * socket-level parts are the subclass's.
 */
public abstract class Pooled implements ConnectionInfo {

	enum State {

		/** Carrying an exchange, or being handed to one. */
		ACTIVE,

		/** In its destination's idle stack and the global LRU. */
		IDLE,

		/** Removed from the pool; its socket is closed or about to be. */
		CLOSED

	}

	// All guarded by ConnectionPool.lock.

	State state = State.ACTIVE;

	HostPool host;

	/** Neighbours in the global idle LRU; oldest at the pool's head. */
	Pooled lruPrev;

	Pooled lruNext;

	/** Neighbours in the host's list of every open connection (for stats). */
	Pooled hostPrev;

	Pooled hostNext;

	long idleSinceNanos;

	/** When an idle connection must be closed; {@link Long#MAX_VALUE} for never. */
	long idleDeadlineNanos = Long.MAX_VALUE;

	/** The reason a close at {@link #idleDeadlineNanos} will carry. */
	CloseReason idleDeadlineReason = CloseReason.IDLE_TIMEOUT;

	/**
	 * Whether {@link #idleDeadlineNanos} is the server's {@code Keep-Alive: timeout}
	 * rather than the pool's idle timeout: a warm connection is exempt only from the
	 * pool's.
	 */
	boolean serverIdleDeadline;

	/**
	 * When this connection, drawn its own lifetime on opening, stops being reused;
	 * {@link Long#MAX_VALUE} for never.
	 */
	long lifetimeDeadlineNanos = Long.MAX_VALUE;

	/**
	 * Whether this idle connection is still usable: the server has not closed it nor sent
	 * anything unasked. Called without the pool's lock, on a connection just taken from
	 * the idle stack, so it may do a non-blocking read.
	 */
	protected abstract boolean isReusable();

	/**
	 * {@link #isReusable()} for a connection idle for {@code idleNanos}, taken by a
	 * request that the transport would send again on a fresh connection if this one
	 * turned out closed by the server ({@code staleRetriable}); such a request may be
	 * given a cheaper, less thorough look. By default the full one.
	 */
	protected boolean isReusable(long idleNanos, boolean staleRetriable) {
		return isReusable();
	}

	/** Closes the socket. Called without the pool's lock; must not throw. */
	protected abstract void closeSocket();

	/**
	 * The idle timeout the server announced ({@code Keep-Alive: timeout=}), in
	 * nanoseconds, or -1 for none. Read under the pool's lock.
	 */
	protected long serverIdleTimeoutNanos() {
		return -1;
	}

	/**
	 * The requests the server allows on this connection ({@code Keep-Alive: max=}), or -1
	 * for no limit.
	 */
	protected long serverMaxRequests() {
		return -1;
	}

}
