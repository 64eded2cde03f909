package dev.roundtrip.transport.internal.pool;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import dev.roundtrip.transport.CanceledException;
import dev.roundtrip.transport.CloseReason;
import dev.roundtrip.transport.Destination;
import dev.roundtrip.transport.IdleOrder;
import dev.roundtrip.transport.PoolFullException;
import dev.roundtrip.transport.PoolStats;
import dev.roundtrip.transport.TransportListener;
import dev.roundtrip.transport.TransportListener.AcquireFailure;
import dev.roundtrip.transport.TransportTimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The connection pool, with the semantics of Go's {@code http.Transport}:
 * <ol>
 * <li>A request takes the most recently returned idle connection of its destination (a
 * stack), dropping expired ones on the way.</li>
 * <li>Failing that it waits for whichever comes first: a connection another request
 * returns, or its own dial. A dial that finishes after its request was served or gave up
 * puts its connection in the pool (late binding).</li>
 * <li>Under {@code max-conns-per-host} (dialing + active + idle) a request that finds the
 * destination full waits, FIFO, for a slot; a closing connection hands its slot to the
 * first request still waiting.</li>
 * <li>A returned connection goes first to a waiting request, else onto the idle stack,
 * unless it is over a cap, past its lifetime, or keep-alives are off;
 * {@code max-idle-conns} closes the least recently used idle connection of any
 * destination.</li>
 * <li>A reaper thread closes connections idle past their deadline.</li>
 * </ol>
 * Past Go: bounded waiting under {@code max-conns-per-host} ({@code pool-wait-timeout},
 * {@code max-pending-per-host}), a lifetime drawn per connection with jitter, a limit on
 * requests per connection, FIFO idle order, a safety margin on the server's
 * {@code Keep-Alive: timeout}, and warm connections ({@code min-idle-conns}) re-dialed
 * with backoff.
 *
 * <p>
 * One lock guards all of it. Nothing under the lock does I/O, calls a listener or starts
 * a thread: that work is collected in an {@link Outbox} and done after unlocking.
 */
public final class ConnectionPool {

	/** Opens connections; runs on a dial thread, never under the pool's lock. */
	@FunctionalInterface
	public interface Dialer {

		Pooled dial(Destination destination, int connectTimeoutMillis) throws IOException;

	}

	private final ReentrantLock lock = new ReentrantLock();

	/**
	 * Wakes the reaper when an idle deadline earlier than the one it sleeps towards
	 * appears.
	 */
	private final Condition reaperWake = this.lock.newCondition();

	// guarded by lock
	private final Map<Destination, HostPool> hosts = new HashMap<>();

	// guarded by lock: the global idle LRU, oldest at the head
	private Pooled lruHead;

	// guarded by lock
	private Pooled lruTail;

	// guarded by lock
	private int idleCount;

	// guarded by lock: CloseIdleConnections was called since the last acquire (Go:
	// t.closeIdle)
	private boolean closeIdleRequested;

	// guarded by lock
	private boolean shutdown;

	// guarded by lock
	private Thread reaper;

	// guarded by lock: whether the last returnLocked put its connection on the idle stack
	private boolean lastReturnIdled;

	// guarded by lock: the idle deadline the reaper sleeps towards; Long.MAX_VALUE when
	// none
	private long reaperNextNanos = Long.MAX_VALUE;

	private final Function<Destination, HostPool.Limits> limits;

	private final int maxIdleConns;

	private final boolean keepAlivesDisabled;

	private final long keepAliveMarginNanos;

	private final int warmConnectTimeoutMillis;

	// guarded by lock: destinations with min-idle-conns, which are never dropped
	private final List<HostPool> warmHosts = new ArrayList<>();

	private final Dialer dialer;

	private final Executor dialExecutor;

	private final TransportListener listener;

	private final LongSupplier clock;

	/**
	 * A pool.
	 * @param limits the limits of each destination, resolved once when it is first used
	 * @param maxIdleConns the global idle cap; 0 for none
	 * @param keepAlivesDisabled close every connection after one exchange
	 * @param keepAliveMargin how long before the server's {@code Keep-Alive: timeout} a
	 * connection stops being reused
	 * @param warmConnectTimeoutMillis connect timeout of dials made for no request (warm
	 * connections); 0 for none
	 */
	public ConnectionPool(Function<Destination, Limits> limits, int maxIdleConns, boolean keepAlivesDisabled,
			Duration keepAliveMargin, int warmConnectTimeoutMillis, Dialer dialer, Executor dialExecutor,
			TransportListener listener, LongSupplier clock) {
		this.limits = (destination) -> {
			Limits l = limits.apply(destination);
			long lifetime = nanos(l.maxConnLifetime());
			return new HostPool.Limits(l.maxConnsPerHost(), l.maxIdleConnsPerHost(), nanos(l.idleConnTimeout()),
					lifetime, Math.min(lifetime, nanos(l.maxConnLifetimeJitter())),
					(l.poolWaitTimeout() != null) ? nanos(l.poolWaitTimeout()) : -1, l.maxPendingPerHost(),
					l.maxRequestsPerConn(), l.idleOrder() == IdleOrder.FIFO, l.minIdleConns());
		};
		this.maxIdleConns = maxIdleConns;
		this.keepAlivesDisabled = keepAlivesDisabled;
		this.keepAliveMarginNanos = nanos(keepAliveMargin);
		this.warmConnectTimeoutMillis = warmConnectTimeoutMillis;
		this.dialer = dialer;
		this.dialExecutor = dialExecutor;
		this.listener = listener;
		this.clock = clock;
	}

	/**
	 * A destination's limits.
	 *
	 * @param maxConnsPerHost 0 for no limit
	 * @param maxIdleConnsPerHost negative for no pooling
	 * @param idleConnTimeout zero for none
	 * @param maxConnLifetime zero for none
	 * @param maxConnLifetimeJitter how much earlier than {@code maxConnLifetime} each
	 * connection may expire; zero for none
	 * @param poolWaitTimeout how long a request queued under {@code maxConnsPerHost} may
	 * wait; zero fails at once, {@code null} waits for the request's own deadline
	 * @param maxPendingPerHost requests that may queue under {@code maxConnsPerHost}; 0
	 * for no limit
	 * @param maxRequestsPerConn exchanges per connection; 0 for no limit
	 * @param minIdleConns connections kept open; 0 for none
	 */
	public record Limits(int maxConnsPerHost, int maxIdleConnsPerHost, Duration idleConnTimeout,
			Duration maxConnLifetime, Duration maxConnLifetimeJitter, @Nullable Duration poolWaitTimeout,
			int maxPendingPerHost, int maxRequestsPerConn, IdleOrder idleOrder, int minIdleConns) {

		/** Go's limits: the four it has, nothing past them. */
		public Limits(int maxConnsPerHost, int maxIdleConnsPerHost, Duration idleConnTimeout,
				Duration maxConnLifetime) {
			this(maxConnsPerHost, maxIdleConnsPerHost, idleConnTimeout, maxConnLifetime, Duration.ZERO, null, 0, 0,
					IdleOrder.LIFO, 0);
		}

	}

	private static long nanos(Duration duration) {
		if (duration == null || duration.isZero()) {
			return 0;
		}
		// Saturates: a timeout of centuries means "never", not an overflow on every
		// request.
		return (duration.getSeconds() >= Long.MAX_VALUE / 1_000_000_000L) ? Long.MAX_VALUE : duration.toNanos();
	}

	/**
	 * A bound on waits measured on {@link System#nanoTime()}, whose differences overflow
	 * past 292 years: a longer {@code pool-wait-timeout} is this one.
	 */
	private static final long MAX_WAIT_NANOS = TimeUnit.DAYS.toNanos(365L * 100);

	/** {@code a + b} for non-negative {@code b}, saturating at {@link Long#MAX_VALUE}. */
	private static long plus(long a, long b) {
		long sum = a + b;
		return (sum < a) ? Long.MAX_VALUE : sum;
	}

	/**
	 * Takes a connection for {@code want}, waiting until {@code deadlineNanos}
	 * ({@link System#nanoTime()}; 0 for none) or until {@code canceled} says so. Go:
	 * {@code (*Transport).getConn}.
	 * @throws CanceledException if canceled or interrupted while waiting
	 * @throws TransportTimeoutException if the deadline passed
	 * @throws IOException if the dial this request waited for failed, or the pool is shut
	 * down
	 */
	public Pooled acquire(Destination destination, int connectTimeoutMillis, boolean skipIdle, long deadlineNanos,
			BooleanSupplier canceled) throws IOException {
		return acquire(destination, connectTimeoutMillis, skipIdle, deadlineNanos, canceled, false);
	}

	/**
	 * {@link #acquire(Destination, int, boolean, long, BooleanSupplier)} for a request
	 * that, if the idle connection it takes turns out closed by the server, would be sent
	 * again on a fresh one ({@code staleRetriable}): see
	 * {@link Pooled#isReusable(long, boolean)}.
	 */
	public Pooled acquire(Destination destination, int connectTimeoutMillis, boolean skipIdle, long deadlineNanos,
			BooleanSupplier canceled, boolean staleRetriable) throws IOException {
		long start = System.nanoTime();
		HostPool host;
		Want want = null;
		boolean dial = false;
		for (;;) {
			Pooled taken = null;
			long idleNanos = 0;
			Outbox out = null;
			Refusal refusal = null;
			this.lock.lock();
			try {
				if (this.shutdown) {
					throw new IOException("Transport is closed");
				}
				this.closeIdleRequested = false;
				host = hostLocked(destination);
				if (!skipIdle) {
					long now = this.clock.getAsLong();
					Pooled candidate;
					while ((candidate = host.limits.fifo() ? host.idle.pollFirst() : host.idle.pollLast()) != null) {
						lruUnlinkLocked(candidate);
						if (candidate.idleDeadlineNanos <= now && !keepWarmLocked(candidate, 1, now)) {
							out = closeLocked(candidate, candidate.idleDeadlineReason, out);
							continue;
						}
						candidate.state = Pooled.State.ACTIVE;
						host.active++;
						taken = candidate;
						idleNanos = now - candidate.idleSinceNanos;
						break;
					}
				}
				if (this.hosts.get(destination) != host) {
					// Closing the last expired connection dropped the emptied host; this
					// request keeps it.
					this.hosts.put(destination, host);
				}
				if (taken == null) {
					boolean room = host.hasRoomToDial();
					refusal = (room || host.fullOnlyWhileClosing()) ? null : refusalLocked(host);
					if (refusal == null) {
						want = new Want(destination, connectTimeoutMillis);
						host.idleWaiters.addLast(want);
						if (room) {
							host.dialing++;
							dial = true;
						}
						else {
							want.inDialQueue = true;
							host.dialWaiters.addLast(want);
							long wait = host.limits.poolWaitNanos();
							want.poolWaitBounded = wait > 0;
							want.poolDeadlineNanos = start + Math.min(wait, MAX_WAIT_NANOS);
						}
					}
					else {
						dropIfUnusedLocked(host);
					}
					if (host.limits.minIdleConns() > 0) {
						out = topUpLocked(host, out);
					}
				}
			}
			finally {
				this.lock.unlock();
			}
			if (out != null) {
				out.run(this);
			}
			if (refusal != null) {
				throw refused(destination, host, refusal, start);
			}
			if (taken == null) {
				break;
			}
			if (taken.isReusable(idleNanos, staleRetriable)) {
				this.listener.connectionAcquired(taken, true, System.nanoTime() - start);
				return taken;
			}
			release(taken, CloseReason.SERVER_CLOSED);
		}
		notify(() -> this.listener.waitingForConnection(destination));
		if (dial) {
			startDial(host, want);
		}
		return await(want, host, start, deadlineNanos, canceled);
	}

	/** Why a request found its destination full was refused rather than queued. */
	private enum Refusal {

		/** {@code max-pending-per-host} requests wait already. */
		PENDING_LIMIT,

		/** {@code pool-wait-timeout} is zero. */
		FAIL_FAST

	}

	private @Nullable Refusal refusalLocked(HostPool host) {
		int maxPending = host.limits.maxPendingPerHost();
		if (maxPending > 0 && host.dialWaiters.size() >= maxPending) {
			return Refusal.PENDING_LIMIT;
		}
		return (host.limits.poolWaitNanos() == 0) ? Refusal.FAIL_FAST : null;
	}

	private IOException refused(Destination destination, HostPool host, Refusal refusal, long start) {
		long waited = System.nanoTime() - start;
		if (refusal == Refusal.PENDING_LIMIT) {
			notify(() -> this.listener.connectionAcquireFailed(destination, AcquireFailure.REJECTED, waited));
			return new PoolFullException(destination, host.limits.maxPendingPerHost());
		}
		notify(() -> this.listener.connectionAcquireFailed(destination, AcquireFailure.TIMEOUT, waited));
		return new TransportTimeoutException(TransportTimeoutException.Limit.POOL_WAIT,
				"No connection to " + destination + " is free: all " + host.limits.maxConnsPerHost()
						+ " allowed by max-conns-per-host are in use, and pool-wait-timeout is 0");
	}

	/** Whether {@code want} still waits for a slot under {@code max-conns-per-host}. */
	private boolean queuedForSlot(Want want) {
		this.lock.lock();
		try {
			return want.inDialQueue;
		}
		finally {
			this.lock.unlock();
		}
	}

	private Pooled await(Want want, HostPool host, long start, long deadlineNanos, BooleanSupplier canceled)
			throws IOException {
		Object result;
		boolean poolBounded = want.poolWaitBounded;
		long poolDeadline = want.poolDeadlineNanos;
		while ((result = want.result()) == null) {
			String gaveUp = null;
			AcquireFailure failure = AcquireFailure.CANCELED;
			TransportTimeoutException.Limit limit = TransportTimeoutException.Limit.CALL;
			boolean interrupted = false;
			long now;
			if (canceled.getAsBoolean()) {
				gaveUp = "Request canceled while waiting for a connection to " + want.destination;
			}
			else if (Thread.interrupted()) {
				interrupted = true;
				gaveUp = "Thread interrupted while waiting for a connection to " + want.destination;
			}
			else if (deadlineNanos != 0 && deadlineNanos - System.nanoTime() <= 0) {
				failure = AcquireFailure.TIMEOUT;
				gaveUp = "Request timeout expired after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)
						+ " ms waiting for a connection to " + want.destination + " (request timeout)";
			}
			else if (poolBounded && poolDeadline - (now = System.nanoTime()) <= 0) {
				if (!queuedForSlot(want)) {
					// A slot came free and this request's dial is under way: from here
					// only the request's own deadline applies.
					poolBounded = false;
					continue;
				}
				failure = AcquireFailure.TIMEOUT;
				limit = TransportTimeoutException.Limit.POOL_WAIT;
				gaveUp = "No connection to " + want.destination + " became free within pool-wait-timeout ("
						+ TimeUnit.NANOSECONDS.toMillis(now - start) + " ms): all " + host.limits.maxConnsPerHost()
						+ " allowed by max-conns-per-host stayed in use";
			}
			if (gaveUp != null) {
				if (interrupted) {
					// The caller's exception says so; the thread keeps its interrupt
					// status either way.
					Thread.currentThread().interrupt();
				}
				if (want.cancel()) {
					forget(want, host);
					long waited = System.nanoTime() - start;
					AcquireFailure reported = failure;
					notify(() -> this.listener.connectionAcquireFailed(want.destination, reported, waited));
					if (failure == AcquireFailure.TIMEOUT) {
						throw new TransportTimeoutException(limit, gaveUp);
					}
					throw new CanceledException(gaveUp);
				}
				// A result arrived as we gave up: the loop ends and the caller takes it
				// like any other.
				continue;
			}
			long parkUntil = deadlineNanos;
			if (poolBounded && (parkUntil == 0 || poolDeadline - parkUntil < 0)) {
				parkUntil = poolDeadline;
			}
			if (parkUntil != 0) {
				LockSupport.parkNanos(this, parkUntil - System.nanoTime());
			}
			else {
				LockSupport.park(this);
			}
		}
		long waited = System.nanoTime() - start;
		if (result instanceof Pooled connection) {
			this.listener.connectionAcquired(connection, want.reused, waited);
			return connection;
		}
		notify(() -> this.listener.connectionAcquireFailed(want.destination, AcquireFailure.ERROR, waited));
		if (result instanceof IOException failure) {
			throw failure;
		}
		throw new IOException("Dial to " + want.destination + " failed", (Throwable) result);
	}

	/** Takes a want that gave up out of the queues, so it holds no place and no slot. */
	private void forget(Want want, HostPool host) {
		this.lock.lock();
		try {
			host.idleWaiters.remove(want);
			if (want.inDialQueue) {
				host.dialWaiters.remove(want);
				want.inDialQueue = false;
			}
			dropIfUnusedLocked(host);
		}
		finally {
			this.lock.unlock();
		}
	}

	private void startDial(HostPool host, Want want) {
		try {
			this.dialExecutor.execute(() -> dial(host, want));
		}
		catch (RuntimeException ex) {
			// No thread to dial on (the executor is shut down): fail the want, free the
			// slot.
			dialFailed(host, want, new IOException("Cannot start a dial to " + want.destination, ex), 0);
		}
	}

	private void dial(HostPool host, Want want) {
		long start = System.nanoTime();
		notify(() -> this.listener.dialStarted(host.destination));
		Pooled connection;
		try {
			connection = this.dialer.dial(host.destination, want.connectTimeoutMillis);
		}
		catch (Throwable ex) {
			// Whatever the dialer throws, the slot is freed and the waiting request told;
			// an Error still propagates.
			IOException failure = (ex instanceof IOException io) ? io
					: new IOException("Dial to " + host.destination + " failed: " + ex, ex);
			dialFailed(host, want, failure, System.nanoTime() - start);
			if (ex instanceof Error error) {
				throw error;
			}
			return;
		}
		long took = System.nanoTime() - start;
		notify(() -> this.listener.dialSucceeded(connection, took));
		Outbox out = null;
		boolean idled = false;
		this.lock.lock();
		try {
			host.dialing--;
			host.link(connection);
			connection.lifetimeDeadlineNanos = lifetimeDeadline(host.limits, connection.createdAtNanos());
			if (want.warm) {
				host.warmFailures = 0;
			}
			if (this.shutdown) {
				host.active++;
				out = closeLocked(connection, CloseReason.SHUTDOWN, null);
			}
			else if (want.tryDeliver(connection)) {
				host.active++;
				connection.state = Pooled.State.ACTIVE;
				removeServedLocked(host, want);
				out = wake(out, want);
			}
			else {
				// Late binding: our request was served by another connection or gave up
				// (or there was none: a warm dial).
				host.active++;
				connection.state = Pooled.State.ACTIVE;
				out = returnLocked(connection, want.warm, out);
				idled = this.lastReturnIdled;
			}
		}
		finally {
			this.lock.unlock();
		}
		afterUnlock(idled ? connection : null, out);
	}

	private void dialFailed(HostPool host, Want want, IOException failure, long took) {
		notify(() -> this.listener.dialFailed(host.destination, failure, took));
		Outbox out = null;
		this.lock.lock();
		try {
			host.dialing--;
			if (want.tryDeliver(failure)) {
				removeServedLocked(host, want);
				out = wake(out, want);
			}
			if (want.warm && !this.shutdown) {
				// Back off, 100 ms doubling to 30 s, so a destination that is down is not
				// dialed in a loop; the reaper starts the next try.
				host.warmFailures++;
				long backoff = Math.min(TimeUnit.SECONDS.toNanos(30),
						TimeUnit.MILLISECONDS.toNanos(100) << Math.min(host.warmFailures - 1, 9));
				host.warmHeldBack = true;
				host.warmRetryNanos = plus(this.clock.getAsLong(), backoff);
				out = scheduleReaperLocked(host.warmRetryNanos, out);
			}
			out = grantSlotsLocked(host, out);
			dropIfUnusedLocked(host);
		}
		finally {
			this.lock.unlock();
		}
		if (out != null) {
			out.run(this);
		}
	}

	/**
	 * Gives back a connection at the end of an exchange. With {@code reason} null the
	 * connection is reusable and goes to a waiter or the idle stack, if the pool's rules
	 * allow; otherwise it is closed for that reason. Go:
	 * {@code (*Transport).tryPutIdleConn} and {@code (*persistConn).closeLocked}.
	 */
	public void release(Pooled connection, CloseReason reason) {
		Outbox out = null;
		boolean idled = false;
		this.lock.lock();
		try {
			if (connection.state != Pooled.State.ACTIVE) {
				// Released twice: the first release decided its fate.
				return;
			}
			if (reason != null) {
				out = closeLocked(connection, reason, null);
			}
			else {
				out = returnLocked(connection, false, null);
				idled = this.lastReturnIdled;
			}
		}
		finally {
			this.lock.unlock();
		}
		afterUnlock(idled ? connection : null, out);
	}

	/**
	 * What a return decided under the lock: tell the listener a connection went idle,
	 * then run the outbox.
	 */
	private void afterUnlock(Pooled idled, Outbox out) {
		if (idled != null) {
			// Not through notify(Runnable): a capturing lambda per return would allocate.
			try {
				this.listener.connectionIdle(idled);
			}
			catch (RuntimeException ex) {
				// A listener must not throw; if it does, the pool carries on.
			}
		}
		if (out != null) {
			out.run(this);
		}
	}

	/**
	 * When a connection opened at {@code createdAtNanos} stops being reused: the lifetime
	 * less a random part of the jitter, drawn once per connection.
	 */
	private static long lifetimeDeadline(HostPool.Limits limits, long createdAtNanos) {
		long lifetime = limits.maxConnLifetimeNanos();
		if (lifetime <= 0) {
			return Long.MAX_VALUE;
		}
		long jitter = limits.lifetimeJitterNanos();
		if (jitter > 0) {
			lifetime -= ThreadLocalRandom.current().nextLong(jitter + 1);
		}
		return plus(createdAtNanos, Math.max(1, lifetime));
	}

	/**
	 * Go's {@code tryPutIdleConn} for an active connection that may be reused.
	 * @param warm whether it comes from a warm dial rather than an exchange, which a
	 * pending {@link #closeIdle()} does not concern
	 */
	private Outbox returnLocked(Pooled connection, boolean warm, Outbox out) {
		assert this.lock.isHeldByCurrentThread();
		this.lastReturnIdled = false;
		HostPool host = connection.host;
		long now = this.clock.getAsLong();
		CloseReason refusal = null;
		long lifetimeDeadline = connection.lifetimeDeadlineNanos;
		long maxRequests = connection.serverMaxRequests();
		int ownMaxRequests = host.limits.maxRequestsPerConn();
		if (this.shutdown) {
			refusal = CloseReason.SHUTDOWN;
		}
		else if (this.keepAlivesDisabled || host.limits.maxIdleConnsPerHost() < 0) {
			refusal = CloseReason.KEEP_ALIVES_DISABLED;
		}
		else if (lifetimeDeadline <= now) {
			refusal = CloseReason.LIFETIME;
		}
		else if (maxRequests >= 0 && connection.requestCount() >= maxRequests) {
			refusal = CloseReason.KEEP_ALIVE_MAX;
		}
		else if (ownMaxRequests > 0 && connection.requestCount() >= ownMaxRequests) {
			refusal = CloseReason.MAX_REQUESTS;
		}
		if (refusal != null) {
			return closeLocked(connection, refusal, out);
		}
		Want waiter;
		while ((waiter = host.idleWaiters.pollFirst()) != null) {
			waiter.reused = true;
			if (waiter.tryDeliver(connection)) {
				if (waiter.inDialQueue) {
					host.dialWaiters.remove(waiter);
					waiter.inDialQueue = false;
				}
				return wake(out, waiter);
			}
		}
		if (this.closeIdleRequested && !warm) {
			return closeLocked(connection, CloseReason.CLOSE_IDLE, out);
		}
		if (host.idle.size() >= host.limits.maxIdleConnsPerHost()) {
			return closeLocked(connection, CloseReason.MAX_IDLE_PER_HOST, out);
		}
		long idleTimeout = host.limits.idleConnTimeoutNanos();
		long serverTimeout = connection.serverIdleTimeoutNanos();
		boolean serverDecides = false;
		if (serverTimeout >= 0) {
			// The server closes at its timeout; reusing up to it races that close.
			serverTimeout -= Math.min(serverTimeout, this.keepAliveMarginNanos);
			if (serverTimeout == 0) {
				return closeLocked(connection, CloseReason.IDLE_TIMEOUT, out);
			}
			if (idleTimeout == 0 || serverTimeout < idleTimeout) {
				idleTimeout = serverTimeout;
				serverDecides = true;
			}
		}
		host.active--;
		connection.state = Pooled.State.IDLE;
		connection.idleSinceNanos = now;
		long idleDeadline = (idleTimeout > 0) ? plus(now, idleTimeout) : Long.MAX_VALUE;
		if (lifetimeDeadline < idleDeadline) {
			connection.idleDeadlineNanos = lifetimeDeadline;
			connection.idleDeadlineReason = CloseReason.LIFETIME;
			connection.serverIdleDeadline = false;
		}
		else {
			connection.idleDeadlineNanos = idleDeadline;
			connection.idleDeadlineReason = CloseReason.IDLE_TIMEOUT;
			connection.serverIdleDeadline = serverDecides;
		}
		host.idle.addLast(connection);
		lruLinkLocked(connection);
		this.lastReturnIdled = true;
		if (this.maxIdleConns > 0 && this.idleCount > this.maxIdleConns) {
			// The least recently used that is not one of a destination's warm
			// connections; the settings leave room for all of those.
			Pooled oldest = this.lruHead;
			while (oldest != null && isWarmLocked(oldest.host, 0)) {
				oldest = oldest.lruNext;
			}
			if (oldest != null) {
				oldest.host.idle.remove(oldest);
				lruUnlinkLocked(oldest);
				out = closeLocked(oldest, CloseReason.MAX_IDLE, out);
			}
		}
		if (connection.state == Pooled.State.IDLE && connection.idleDeadlineNanos != Long.MAX_VALUE) {
			out = scheduleReaperLocked(connection.idleDeadlineNanos, out);
		}
		return out;
	}

	/**
	 * Takes a connection out of the pool for good (from the idle stack, the LRU or active
	 * use), frees its slot for the first waiter, and queues the socket close. Go:
	 * {@code decConnsPerHost}.
	 */
	private Outbox closeLocked(Pooled connection, CloseReason reason, Outbox out) {
		assert this.lock.isHeldByCurrentThread();
		HostPool host = connection.host;
		if (connection.state == Pooled.State.ACTIVE) {
			host.active--;
		}
		else if (connection.state == Pooled.State.IDLE) {
			// Callers unlink idle connections from the stack and the LRU first.
			assert connection.lruPrev == null && connection.lruNext == null && this.lruHead != connection;
		}
		connection.state = Pooled.State.CLOSED;
		host.unlink(connection);
		// The slot stays taken until the socket is closed (closedSocket), as Go's
		// decConnsPerHost follows the close: otherwise another thread could dial in the
		// gap and the server see one connection more than the limit.
		host.closing++;
		return close(out, connection, reason);
	}

	/**
	 * After a socket close queued by {@link #closeLocked}: frees the connection's slot
	 * for the first request waiting for one, and dials what warm connections now lack.
	 */
	private void closedSocket(HostPool host) {
		Outbox out;
		this.lock.lock();
		try {
			host.closing--;
			out = grantSlotsLocked(host, null);
			if (host.limits.minIdleConns() > 0) {
				out = topUpLocked(host, out);
			}
			dropIfUnusedLocked(host);
		}
		finally {
			this.lock.unlock();
		}
		if (out != null) {
			out.run(this);
		}
	}

	/**
	 * Whether every connection {@code host} has open ({@code extra} more besides the
	 * counted ones) is one of its {@code min-idle-conns}.
	 */
	private static boolean isWarmLocked(HostPool host, int extra) {
		int min = host.limits.minIdleConns();
		return min > 0 && host.open() + extra <= min;
	}

	/**
	 * For an idle connection past its deadline: whether it stays anyway as one of its
	 * destination's warm connections, exempt from the pool's idle timeout though not from
	 * the server's nor from its lifetime. If so its deadline becomes its lifetime's.
	 */
	private boolean keepWarmLocked(Pooled connection, int extra, long now) {
		if (connection.idleDeadlineReason != CloseReason.IDLE_TIMEOUT || connection.serverIdleDeadline
				|| !isWarmLocked(connection.host, extra)) {
			return false;
		}
		connection.idleDeadlineNanos = connection.lifetimeDeadlineNanos;
		connection.idleDeadlineReason = CloseReason.LIFETIME;
		return connection.idleDeadlineNanos > now;
	}

	/**
	 * Dials what {@code host} lacks of its {@code min-idle-conns}, unless a failed warm
	 * dial holds the next one back.
	 */
	private Outbox topUpLocked(HostPool host, Outbox out) {
		if (this.shutdown || host.warmHeldBack) {
			return out;
		}
		while (host.total() < host.limits.minIdleConns() && host.hasRoomToDial()) {
			host.dialing++;
			out = dial(out, host, Want.warm(host.destination, this.warmConnectTimeoutMillis));
		}
		return out;
	}

	/**
	 * Opens {@code destination}'s {@code min-idle-conns} now rather than at its first
	 * request; nothing when it has none.
	 */
	public void warm(Destination destination) {
		Outbox out = null;
		this.lock.lock();
		try {
			if (this.shutdown) {
				return;
			}
			HostPool host = hostLocked(destination);
			out = topUpLocked(host, null);
			dropIfUnusedLocked(host);
		}
		finally {
			this.lock.unlock();
		}
		if (out != null) {
			out.run(this);
		}
	}

	/**
	 * Hands free {@code max-conns-per-host} slots to the first requests still waiting for
	 * one.
	 */
	private Outbox grantSlotsLocked(HostPool host, Outbox out) {
		while (!host.dialWaiters.isEmpty() && host.hasRoomToDial()) {
			Want waiter = host.dialWaiters.pollFirst();
			waiter.inDialQueue = false;
			if (waiter.isPending()) {
				host.dialing++;
				out = dial(out, host, waiter);
			}
		}
		return out;
	}

	/**
	 * A want served by its own dial or failed: it leaves the queues now rather than
	 * lazily.
	 */
	private void removeServedLocked(HostPool host, Want want) {
		host.idleWaiters.remove(want);
		if (want.inDialQueue) {
			host.dialWaiters.remove(want);
			want.inDialQueue = false;
		}
	}

	private HostPool hostLocked(Destination destination) {
		HostPool host = this.hosts.get(destination);
		if (host == null) {
			host = new HostPool(destination, this.limits.apply(destination));
			this.hosts.put(destination, host);
			if (host.limits.minIdleConns() > 0) {
				this.warmHosts.add(host);
			}
		}
		return host;
	}

	private void dropIfUnusedLocked(HostPool host) {
		if (host.isUnused()) {
			this.hosts.remove(host.destination, host);
		}
	}

	private void lruLinkLocked(Pooled connection) {
		connection.lruPrev = this.lruTail;
		connection.lruNext = null;
		if (this.lruTail != null) {
			this.lruTail.lruNext = connection;
		}
		else {
			this.lruHead = connection;
		}
		this.lruTail = connection;
		this.idleCount++;
	}

	private void lruUnlinkLocked(Pooled connection) {
		if (connection.lruPrev != null) {
			connection.lruPrev.lruNext = connection.lruNext;
		}
		else {
			this.lruHead = connection.lruNext;
		}
		if (connection.lruNext != null) {
			connection.lruNext.lruPrev = connection.lruPrev;
		}
		else {
			this.lruTail = connection.lruPrev;
		}
		connection.lruPrev = null;
		connection.lruNext = null;
		this.idleCount--;
	}

	/**
	 * Closes every idle connection whose deadline has passed and returns when the next
	 * one falls due ({@link Long#MAX_VALUE} for none), on the pool's clock. The reaper
	 * calls this; tests with a manual clock may too.
	 */
	public long evictIdle() {
		Outbox out;
		long next;
		this.lock.lock();
		try {
			out = evictIdleLocked(this.clock.getAsLong(), null);
			next = nextIdleDeadlineLocked();
		}
		finally {
			this.lock.unlock();
		}
		if (out != null) {
			out.run(this);
		}
		return next;
	}

	private Outbox evictIdleLocked(long now, Outbox out) {
		for (HostPool host : this.warmHosts) {
			if (host.warmHeldBack && host.warmRetryNanos <= now) {
				host.warmHeldBack = false;
				out = topUpLocked(host, out);
			}
		}
		Pooled connection = this.lruHead;
		while (connection != null) {
			Pooled next = connection.lruNext;
			if (connection.idleDeadlineNanos <= now && !keepWarmLocked(connection, 0, now)) {
				connection.host.idle.remove(connection);
				lruUnlinkLocked(connection);
				out = closeLocked(connection, connection.idleDeadlineReason, out);
			}
			connection = next;
		}
		return out;
	}

	private long nextIdleDeadlineLocked() {
		long next = Long.MAX_VALUE;
		for (Pooled c = this.lruHead; c != null; c = c.lruNext) {
			next = Math.min(next, c.idleDeadlineNanos);
		}
		for (HostPool host : this.warmHosts) {
			if (host.warmHeldBack) {
				next = Math.min(next, host.warmRetryNanos);
			}
		}
		return next;
	}

	/**
	 * Makes sure the reaper wakes by {@code deadlineNanos}; the first time, creates it,
	 * to be started after unlocking.
	 */
	private Outbox scheduleReaperLocked(long deadlineNanos, Outbox out) {
		if (this.reaper == null) {
			this.reaper = new Thread(this::reap, "roundtrip-idle-reaper");
			this.reaper.setDaemon(true);
			this.reaperNextNanos = deadlineNanos;
			return Outbox.add(out, this.reaper);
		}
		if (deadlineNanos < this.reaperNextNanos) {
			this.reaperNextNanos = deadlineNanos;
			this.reaperWake.signal();
		}
		return out;
	}

	/** The reaper: one thread per pool, asleep until the earliest idle deadline. */
	private void reap() {
		for (;;) {
			Outbox out = null;
			this.lock.lock();
			try {
				if (this.shutdown) {
					this.reaper = null;
					return;
				}
				out = evictIdleLocked(this.clock.getAsLong(), null);
				if (out == null) {
					long next = nextIdleDeadlineLocked();
					this.reaperNextNanos = next;
					if (next == Long.MAX_VALUE) {
						this.reaperWake.await();
					}
					else {
						// The clock may be a test's: wait in real time, at most a second,
						// and look again.
						long wait = Math.min(next - this.clock.getAsLong(), TimeUnit.SECONDS.toNanos(1));
						if (wait > 0) {
							this.reaperWake.awaitNanos(wait);
						}
					}
				}
			}
			catch (InterruptedException ex) {
				// Only shutdown interrupts the reaper; the loop sees it.
			}
			finally {
				this.lock.unlock();
			}
			if (out != null) {
				out.run(this);
			}
		}
	}

	/**
	 * Closes every idle connection, and until the next acquire, connections returned by
	 * exchanges in flight. Go: {@code CloseIdleConnections}.
	 */
	public void closeIdle() {
		closeIdle((destination) -> true, true);
	}

	/**
	 * Closes the idle connections of matching destinations. Connections returned later
	 * are pooled as usual: Go's "until the next acquire" rule belongs to the whole-pool
	 * call, and applied here it would close returning connections of destinations that
	 * did not match.
	 */
	public void closeIdle(Predicate<Destination> destinations) {
		closeIdle(destinations, false);
	}

	private void closeIdle(Predicate<Destination> destinations, boolean all) {
		Outbox out = null;
		this.lock.lock();
		try {
			if (all) {
				this.closeIdleRequested = true;
			}
			for (HostPool host : new ArrayList<>(this.hosts.values())) {
				if (!destinations.test(host.destination)) {
					continue;
				}
				Pooled connection;
				while ((connection = host.idle.pollFirst()) != null) {
					lruUnlinkLocked(connection);
					out = closeLocked(connection, CloseReason.CLOSE_IDLE, out);
				}
			}
		}
		finally {
			this.lock.unlock();
		}
		if (out != null) {
			out.run(this);
		}
	}

	/**
	 * Closes idle connections, fails waiting requests and makes every later return close
	 * its connection. Exchanges in flight finish.
	 */
	public void shutdown() {
		Outbox out = null;
		Thread reaperThread;
		this.lock.lock();
		try {
			if (this.shutdown) {
				return;
			}
			this.shutdown = true;
			for (HostPool host : new ArrayList<>(this.hosts.values())) {
				Pooled connection;
				while ((connection = host.idle.pollFirst()) != null) {
					lruUnlinkLocked(connection);
					out = closeLocked(connection, CloseReason.SHUTDOWN, out);
				}
				Want waiter;
				while ((waiter = host.idleWaiters.pollFirst()) != null) {
					if (waiter.tryDeliver(new IOException(
							"Transport was closed while the request waited for a connection to " + host.destination))) {
						out = wake(out, waiter);
					}
				}
				host.dialWaiters.clear();
				dropIfUnusedLocked(host);
			}
			reaperThread = this.reaper;
			this.reaperWake.signalAll();
		}
		finally {
			this.lock.unlock();
		}
		if (out != null) {
			out.run(this);
		}
		if (reaperThread != null) {
			reaperThread.interrupt();
		}
	}

	/**
	 * A consistent snapshot; closes connections whose idle deadline has passed first, so
	 * none is reported idle.
	 */
	public PoolStats stats() {
		evictIdle();
		this.lock.lock();
		try {
			long now = this.clock.getAsLong();
			int idle = 0;
			int active = 0;
			int dialing = 0;
			int waiting = 0;
			List<PoolStats.DestinationStats> destinations = new ArrayList<>(this.hosts.size());
			for (HostPool host : this.hosts.values()) {
				List<PoolStats.ConnectionStats> connections = new ArrayList<>();
				for (Pooled c = host.connections; c != null; c = c.hostNext) {
					boolean isIdle = c.state == Pooled.State.IDLE;
					connections.add(new PoolStats.ConnectionStats(c.id(), isIdle ? "idle" : "active", c.localAddress(),
							c.remoteAddress(), Duration.ofNanos(Math.max(0, now - c.createdAtNanos())),
							isIdle ? Duration.ofNanos(Math.max(0, now - c.idleSinceNanos)) : Duration.ZERO,
							c.requestCount(), c.tlsProtocol(), c.cipherSuite()));
				}
				int hostWaiting = 0;
				for (Want want : host.idleWaiters) {
					if (want.isPending()) {
						hostWaiting++;
					}
				}
				destinations.add(new PoolStats.DestinationStats(host.destination, host.limits.maxConnsPerHost(),
						host.limits.maxIdleConnsPerHost(), host.limits.minIdleConns(), host.idle.size(), host.active,
						host.dialing, hostWaiting, connections));
				idle += host.idle.size();
				active += host.active;
				dialing += host.dialing;
				waiting += hostWaiting;
			}
			return new PoolStats(idle, active, dialing, waiting, destinations);
		}
		finally {
			this.lock.unlock();
		}
	}

	private void notify(Runnable event) {
		try {
			event.run();
		}
		catch (RuntimeException ex) {
			// A listener must not throw; if it does, the pool carries on.
		}
	}

	private static Outbox wake(Outbox out, Want want) {
		return Outbox.add(out, want);
	}

	private static Outbox close(Outbox out, Pooled connection, CloseReason reason) {
		return Outbox.add(out, new Closing(connection, reason));
	}

	private static Outbox dial(Outbox out, HostPool host, Want want) {
		return Outbox.add(out, new Dial(host, want));
	}

	private record Closing(Pooled connection, CloseReason reason) {

	}

	private record Dial(HostPool host, Want want) {

	}

	/**
	 * Work decided under the lock and done after it: socket closes, listener calls,
	 * waking waiters, starting dials and the reaper. Allocated only when there is some,
	 * so the common return to the idle stack allocates nothing.
	 */
	private static final class Outbox {

		private final List<Object> steps = new ArrayList<>(4);

		static Outbox add(Outbox out, Object step) {
			Outbox box = (out != null) ? out : new Outbox();
			box.steps.add(step);
			return box;
		}

		void run(ConnectionPool pool) {
			for (Object step : this.steps) {
				if (step instanceof Want want) {
					want.wake();
				}
				else if (step instanceof Closing closing) {
					Pooled connection = closing.connection();
					connection.closeSocket();
					pool.closedSocket(connection.host);
					long lifetime = pool.clock.getAsLong() - connection.createdAtNanos();
					pool.notify(() -> pool.listener.connectionClosed(connection, closing.reason(), lifetime));
				}
				else if (step instanceof Dial dial) {
					pool.startDial(dial.host(), dial.want());
				}
				else if (step instanceof Thread reaper) {
					reaper.start();
				}
			}
		}

	}

}
