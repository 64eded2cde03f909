package dev.roundtrip.transport.internal.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.roundtrip.transport.CanceledException;
import dev.roundtrip.transport.CloseReason;
import dev.roundtrip.transport.ConnectionInfo;
import dev.roundtrip.transport.Destination;
import dev.roundtrip.transport.IdleOrder;
import dev.roundtrip.transport.PoolStats;
import dev.roundtrip.transport.TransportListener;
import dev.roundtrip.transport.TransportTimeoutException;

/**
 * The pool alone, with connections that have no sockets and dials the test completes by
 * hand, so every race Go's {@code wantConn} settles can be staged in the order the test
 * wants. Time is a manual clock.
 */
class ConnectionPoolTests {

	private static final Destination A = new Destination("http", "a.test", 80, null, null);

	private static final Destination B = new Destination("http", "b.test", 80, null, null);

	private final AtomicLong clock = new AtomicLong(1_000_000_000L);

	/** Dials waiting for the test to finish them. */
	private final BlockingQueue<PendingDial> dials = new LinkedBlockingQueue<>();

	private final List<String> closes = new CopyOnWriteArrayList<>();

	private final ExecutorService requesters = Executors.newCachedThreadPool();

	private final ExecutorService dialThreads = Executors.newCachedThreadPool();

	private final List<Thread> requesterThreads = new CopyOnWriteArrayList<>();

	private ConnectionPool pool;

	@AfterEach
	void tearDown() {
		if (this.pool != null) {
			this.pool.shutdown();
		}
		this.requesters.shutdownNow();
		this.dialThreads.shutdownNow();
	}

	private ConnectionPool pool(int maxConnsPerHost, int maxIdlePerHost, int maxIdle, Duration idleTimeout) {
		TransportListener listener = new TransportListener() {
			@Override
			public void connectionClosed(ConnectionInfo connection, CloseReason reason, long lifetimeNanos) {
				ConnectionPoolTests.this.closes.add(connection + ":" + reason);
			}
		};
		this.pool = new ConnectionPool(
				(destination) -> new ConnectionPool.Limits(maxConnsPerHost, maxIdlePerHost, idleTimeout, Duration.ZERO),
				maxIdle, false, Duration.ZERO, 0, this::dial, this.dialThreads, listener, this.clock::get);
		return this.pool;
	}

	private Pooled dial(Destination destination, int timeoutMillis) throws IOException {
		PendingDial dial = new PendingDial(destination);
		this.dials.add(dial);
		try {
			return dial.result.get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			if (ex.getCause() instanceof IOException io) {
				throw io;
			}
			throw new IOException(ex);
		}
	}

	private PendingDial nextDial() throws InterruptedException {
		PendingDial dial = this.dials.poll(10, TimeUnit.SECONDS);
		assertThat(dial).as("a dial was started").isNotNull();
		return dial;
	}

	private Future<Pooled> acquireAsync(Destination destination) {
		return acquireAsync(destination, 0, () -> false);
	}

	private Future<Pooled> acquireAsync(Destination destination, long deadline, BooleanSupplier canceled) {
		CompletableFuture<Pooled> result = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			try {
				result.complete(this.pool.acquire(destination, 0, false, deadline, canceled));
			}
			catch (Throwable ex) {
				result.completeExceptionally(ex);
			}
		}, "requester");
		thread.setDaemon(true);
		this.requesterThreads.add(thread);
		thread.start();
		return result;
	}

	private void awaitWaiting(int waiting) {
		long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (this.pool.stats().waiting() != waiting) {
			assertThat(System.nanoTime()).as("waiting for %d waiters, stats %s", waiting, this.pool.stats())
				.isLessThan(until);
			Thread.onSpinWait();
		}
	}

	private Pooled acquireNow(Destination destination) throws Exception {
		Future<Pooled> future = acquireAsync(destination);
		// Served from the pool, or by a dial this test completes: whichever shows first,
		// however slowly the requester's thread runs.
		long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!future.isDone() && System.nanoTime() < until) {
			PendingDial dial = this.dials.poll(10, TimeUnit.MILLISECONDS);
			if (dial != null) {
				dial.succeed();
				break;
			}
		}
		return future.get(10, TimeUnit.SECONDS);
	}

	@Test
	void idleConnectionsAreReusedMostRecentlyReturnedFirst() throws Exception {
		pool(0, 10, 0, Duration.ZERO);
		Pooled first = acquireNow(A);
		Pooled second = acquireNow(A);
		this.pool.release(first, null);
		this.pool.release(second, null);
		assertThat(acquireNow(A)).isSameAs(second);
		assertThat(acquireNow(A)).isSameAs(first);
	}

	// Go: TestTransportDialPreservesNetOpProxyError's neighbour
	// TestTransportRemovesDeadIdleConnections
	@Test
	void idleConnectionThatIsNoLongerReusableIsClosedAndSkipped() throws Exception {
		pool(0, 10, 0, Duration.ZERO);
		Pooled first = acquireNow(A);
		this.pool.release(first, null);
		((FakeConnection) first).reusable = false;
		Pooled next = acquireNow(A);
		assertThat(next).isNotSameAs(first);
		assertThat(this.closes).containsExactly(first + ":SERVER_CLOSED");
	}

	@Test
	void requestWaitingForItsDialTakesConnectionReturnedMeanwhileAndTheDialGoesToThePool() throws Exception {
		pool(0, 10, 0, Duration.ZERO);
		Pooled busy = acquireNow(A);
		Future<Pooled> waiting = acquireAsync(A);
		PendingDial dial = nextDial();
		this.pool.release(busy, null);
		assertThat(waiting.get(10, TimeUnit.SECONDS)).as("late binding: the returned connection wins").isSameAs(busy);
		FakeConnection dialed = dial.succeed();
		long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (this.pool.stats().idle() != 1 && System.nanoTime() < until) {
			Thread.onSpinWait();
		}
		assertThat(this.pool.stats().idle()).isEqualTo(1);
		assertThat(acquireNow(A)).as("the late dial's connection was pooled").isSameAs(dialed);
	}

	// Go: TestTransportMaxConnsPerHost
	@Test
	void waitersForAFullHostAreServedInArrivalOrder() throws Exception {
		pool(1, 10, 0, Duration.ZERO);
		Pooled only = acquireNow(A);
		List<Future<Pooled>> waiters = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			waiters.add(acquireAsync(A));
			awaitWaiting(i + 1);
		}
		assertThat(this.dials).as("no dial past the limit").isEmpty();
		for (Future<Pooled> waiter : waiters) {
			this.pool.release(only, null);
			assertThat(waiter.get(10, TimeUnit.SECONDS)).isSameAs(only);
		}
		assertThat(this.pool.stats().waiting()).isZero();
	}

	@Test
	void closedConnectionHandsItsSlotToTheFirstLiveWaiter() throws Exception {
		pool(1, 10, 0, Duration.ZERO);
		Pooled only = acquireNow(A);
		AtomicBoolean firstCanceled = new AtomicBoolean();
		Future<Pooled> first = acquireAsync(A, 0, firstCanceled::get);
		awaitWaiting(1);
		Future<Pooled> second = acquireAsync(A);
		awaitWaiting(2);
		firstCanceled.set(true);
		// A canceled call wakes its thread (RealCall.cancel does this); here the test
		// does.
		this.requesterThreads.forEach(java.util.concurrent.locks.LockSupport::unpark);
		assertThatThrownByFuture(first).isInstanceOf(CanceledException.class);
		awaitWaiting(1);
		this.pool.release(only, CloseReason.RESPONSE_CLOSE);
		FakeConnection dialed = nextDial().succeed();
		assertThat(second.get(10, TimeUnit.SECONDS)).isSameAs(dialed);
		assertThat(this.pool.stats().destination(A).active()).isEqualTo(1);
	}

	@Test
	void waiterWhoseDeadlinePassesLeavesTheQueueAndLeaksNoSlot() throws Exception {
		pool(1, 10, 0, Duration.ZERO);
		Pooled only = acquireNow(A);
		Future<Pooled> late = acquireAsync(A, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50), () -> false);
		assertThatThrownByFuture(late).isInstanceOf(TransportTimeoutException.class)
			.hasMessageContaining("waiting for a connection");
		assertThat(this.pool.stats().waiting()).isZero();
		this.pool.release(only, CloseReason.ERROR);
		assertThat(this.pool.stats().destinations()).as("nothing holds a slot").isEmpty();
		acquireNow(A);
	}

	@Test
	void connectionReturnedAboveTheHostIdleCapIsClosed() throws Exception {
		pool(0, 2, 0, Duration.ZERO);
		Pooled one = acquireNow(A);
		Pooled two = acquireNow(A);
		Pooled three = acquireNow(A);
		this.pool.release(one, null);
		this.pool.release(two, null);
		this.pool.release(three, null);
		assertThat(this.pool.stats().idle()).isEqualTo(2);
		assertThat(this.closes).containsExactly(three + ":MAX_IDLE_PER_HOST");
	}

	@Test
	void globalIdleCapClosesTheLeastRecentlyUsedIdleConnectionOfAnyHost() throws Exception {
		pool(0, 10, 2, Duration.ZERO);
		Pooled a = acquireNow(A);
		Pooled b1 = acquireNow(B);
		Pooled b2 = acquireNow(B);
		this.pool.release(a, null);
		this.pool.release(b1, null);
		this.pool.release(b2, null);
		assertThat(this.closes).containsExactly(a + ":MAX_IDLE");
		assertThat(this.pool.stats().idle()).isEqualTo(2);
		assertThat(this.pool.stats().destination(A)).isNull();
	}

	@Test
	void idleConnectionIsClosedAfterIdleConnTimeoutButNotWhileInUse() throws Exception {
		pool(0, 10, 0, Duration.ofSeconds(90));
		Pooled idle = acquireNow(A);
		Pooled busy = acquireNow(A);
		this.pool.release(idle, null);
		this.clock.addAndGet(Duration.ofSeconds(89).toNanos());
		assertThat(this.pool.evictIdle()).isEqualTo(this.clock.get() + Duration.ofSeconds(1).toNanos());
		assertThat(this.closes).isEmpty();
		this.clock.addAndGet(Duration.ofSeconds(1).toNanos());
		this.pool.evictIdle();
		assertThat(this.closes).containsExactly(idle + ":IDLE_TIMEOUT");
		this.clock.addAndGet(Duration.ofHours(1).toNanos());
		this.pool.evictIdle();
		assertThat(((FakeConnection) busy).socketClosed).as("a connection in use is never timed out").isFalse();
	}

	@Test
	void reuseWithinTheIdleTimeoutKeepsAConnectionIndefinitely() throws Exception {
		pool(0, 10, 0, Duration.ofSeconds(90));
		Pooled connection = acquireNow(A);
		for (int i = 0; i < 100; i++) {
			this.pool.release(connection, null);
			this.clock.addAndGet(Duration.ofSeconds(60).toNanos());
			this.pool.evictIdle();
			assertThat(acquireNow(A)).isSameAs(connection);
		}
		assertThat(this.closes).isEmpty();
	}

	@Test
	void expiredIdleConnectionIsDroppedWhenTakenEvenBeforeTheReaperRuns() throws Exception {
		pool(0, 10, 0, Duration.ofSeconds(1));
		Pooled connection = acquireNow(A);
		this.pool.release(connection, null);
		this.clock.addAndGet(Duration.ofSeconds(2).toNanos());
		assertThat(acquireNow(A)).isNotSameAs(connection);
		assertThat(this.closes).contains(connection + ":IDLE_TIMEOUT");
	}

	@Test
	void requestThatFindsOnlyExpiredConnectionsKeepsItsDestinationInThePool() throws Exception {
		pool(0, 10, 0, Duration.ofSeconds(1));
		Pooled expired = acquireNow(A);
		this.pool.release(expired, null);
		this.clock.addAndGet(Duration.ofSeconds(2).toNanos());
		Pooled fresh = acquireNow(A);
		this.pool.release(fresh, null);
		assertThat(this.pool.stats().destination(A)).as("the new connection is accounted for").isNotNull();
		assertThat(this.pool.stats().idle()).isEqualTo(1);
		this.pool.shutdown();
		assertThat(this.closes).containsExactly(expired + ":IDLE_TIMEOUT", fresh + ":SHUTDOWN");
	}

	@Test
	void failedDialFailsItsRequestAndFreesTheSlot() throws Exception {
		pool(1, 10, 0, Duration.ZERO);
		Future<Pooled> request = acquireAsync(A);
		nextDial().fail(new ConnectException("refused"));
		assertThatThrownByFuture(request).isInstanceOf(ConnectException.class);
		assertThat(this.pool.stats().destinations()).isEmpty();
		acquireNow(A);
	}

	@Test
	void shutdownFailsWaitersAndClosesConnectionsReturnedLater() throws Exception {
		pool(1, 10, 0, Duration.ZERO);
		Pooled only = acquireNow(A);
		Future<Pooled> waiter = acquireAsync(A);
		awaitWaiting(1);
		this.pool.shutdown();
		assertThatThrownByFuture(waiter).isInstanceOf(IOException.class).hasMessageContaining("closed");
		this.pool.release(only, null);
		assertThat(this.closes).containsExactly(only + ":SHUTDOWN");
	}

	/**
	 * Many threads take, return, close and give up at random; afterwards the pool must
	 * hold nothing active, no waiter, and never more than the limit. Seeded, bounded in
	 * steps and time; no sleeps.
	 */
	@Test
	void randomAcquireReleaseCancelKeepsThePoolConsistent() throws Exception {
		long seed = new Random().nextLong();
		Random random = new Random(seed);
		int limit = 3;
		pool(limit, 2, 4, Duration.ofSeconds(5));
		ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
		ExecutorService dialer = Executors.newSingleThreadExecutor();
		AtomicBoolean stop = new AtomicBoolean();
		dialer.submit(() -> {
			Random dialRandom = new Random(seed ^ 1);
			while (!stop.get()) {
				PendingDial dial = this.dials.poll(10, TimeUnit.MILLISECONDS);
				if (dial != null) {
					if (dialRandom.nextInt(10) == 0) {
						dial.fail(new ConnectException("refused (fuzz)"));
					}
					else {
						dial.succeed();
					}
				}
			}
			return null;
		});
		List<Future<?>> workers = new ArrayList<>();
		long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		for (int w = 0; w < 8; w++) {
			long workerSeed = random.nextLong();
			workers.add(this.requesters.submit(() -> {
				Random r = new Random(workerSeed);
				for (int step = 0; step < 2000 && System.nanoTime() < until; step++) {
					Destination destination = r.nextBoolean() ? A : B;
					long deadline = (r.nextInt(4) == 0) ? System.nanoTime() + r.nextInt(2_000_000) : 0;
					Pooled connection;
					try {
						connection = this.pool.acquire(destination, 0, false, deadline, () -> false);
					}
					catch (IOException ex) {
						continue;
					}
					PoolStats.DestinationStats stats = this.pool.stats().destination(destination);
					if (stats != null && stats.active() + stats.idle() + stats.dialing() > limit) {
						violations.add("over the limit: " + stats);
					}
					if (((FakeConnection) connection).socketClosed) {
						violations.add("handed out a closed connection " + connection);
					}
					this.clock.addAndGet(r.nextInt(1_000_000_000));
					int fate = r.nextInt(4);
					this.pool.release(connection, (fate == 0) ? CloseReason.ERROR : null);
				}
			}));
		}
		for (Future<?> worker : workers) {
			worker.get(60, TimeUnit.SECONDS);
		}
		stop.set(true);
		dialer.shutdown();
		assertThat(dialer.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
		// Dials still in flight end now, so the counts settle.
		PendingDial leftover;
		while ((leftover = this.dials.poll()) != null) {
			leftover.succeed();
		}
		long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (this.pool.stats().dialing() > 0 && System.nanoTime() < settle) {
			Thread.onSpinWait();
		}
		PoolStats stats = this.pool.stats();
		assertThat(violations).as("seed %d", seed).isEmpty();
		assertThat(stats.active()).as("seed %d: %s", seed, stats).isZero();
		assertThat(stats.waiting()).as("seed %d: %s", seed, stats).isZero();
		assertThat(stats.dialing()).as("seed %d: %s", seed, stats).isZero();
		assertThat(stats.idle()).as("seed %d: %s", seed, stats).isLessThanOrEqualTo(4);
		for (PoolStats.DestinationStats destination : stats.destinations()) {
			assertThat(destination.idle()).as("seed %d", seed).isLessThanOrEqualTo(2);
			assertThat(destination.connections()).as("seed %d", seed).hasSize(destination.idle());
		}
	}

	/**
	 * HttpCore5's deterministic fuzzer, for this pool: one thread, seeded random steps
	 * (take, return, return broken, let time pass, reap, close idle), dials that finish
	 * at once or fail, and every invariant checked after every step. A request that would
	 * have to wait gives up at once, so nothing blocks and each seed replays exactly.
	 */
	@Test
	void seededRandomStepsKeepEveryInvariantAfterEachStep() throws Exception {
		for (long seed = 1; seed <= 8; seed++) {
			runSeed(seed);
		}
	}

	private void runSeed(long seed) throws Exception {
		Random random = new Random(seed);
		int maxConnsPerHost = 1 + random.nextInt(3);
		int maxIdlePerHost = random.nextInt(3);
		int maxIdle = random.nextInt(4);
		Duration idleTimeout = Duration.ofSeconds(random.nextInt(3));
		// Past Go: a lifetime with jitter, requests per connection, FIFO, warm
		// connections for A.
		Duration lifetime = Duration.ofMillis(random.nextInt(4) * 1000L);
		Duration jitter = lifetime.dividedBy(1 + random.nextInt(3));
		int maxRequests = random.nextInt(4);
		IdleOrder order = random.nextBoolean() ? IdleOrder.FIFO : IdleOrder.LIFO;
		int minIdle = Math.min(random.nextInt(3), Math.min(maxConnsPerHost, Math.max(0, maxIdlePerHost)));
		if (maxIdle > 0) {
			minIdle = Math.min(minIdle, maxIdle);
		}
		int warm = minIdle;
		List<String> closed = new ArrayList<>();
		List<FakeConnection> dialed = new ArrayList<>();
		TransportListener listener = new TransportListener() {
			@Override
			public void connectionClosed(ConnectionInfo connection, CloseReason reason, long lifetimeNanos) {
				closed.add(connection + ":" + reason);
			}
		};
		ConnectionPool pool = new ConnectionPool(
				(destination) -> new ConnectionPool.Limits(maxConnsPerHost, maxIdlePerHost, idleTimeout, lifetime,
						jitter, null, 0, maxRequests, order, destination.equals(A) ? warm : 0),
				maxIdle, false, Duration.ZERO, 0, (destination, timeout) -> {
					if (random.nextInt(8) == 0) {
						throw new ConnectException("refused (seed " + seed + ")");
					}
					FakeConnection connection = new FakeConnection(destination, this.clock.get());
					dialed.add(connection);
					return connection;
				}, Runnable::run, listener, this.clock::get);
		Destination[] destinations = { A, B, new Destination("http", "c.test", 80, null, null) };
		List<Pooled> held = new ArrayList<>();
		java.util.Map<Pooled, Long> returnedAt = new java.util.HashMap<>();
		try {
			for (int step = 0; step < 3000; step++) {
				String what;
				int action = random.nextInt(10);
				if (action < 4) {
					Destination destination = destinations[random.nextInt(destinations.length)];
					what = "acquire " + destination;
					tryAcquire(pool, destination, held, returnedAt, idleTimeout, maxRequests, warm, seed, step);
				}
				else if (action < 7 && !held.isEmpty()) {
					Pooled connection = held.remove(random.nextInt(held.size()));
					CloseReason reason = (random.nextInt(4) == 0) ? CloseReason.ERROR : null;
					what = "release " + connection + " " + reason;
					pool.release(connection, reason);
					if (reason == null) {
						returnedAt.put(connection, this.clock.get());
					}
				}
				else if (action == 7) {
					what = "idle connections go stale";
					for (FakeConnection connection : dialed) {
						if (random.nextInt(10) == 0) {
							connection.reusable = false;
						}
					}
				}
				else if (action == 8) {
					long advance = random.nextInt(1500) * 1_000_000L;
					this.clock.addAndGet(advance);
					if (random.nextBoolean()) {
						what = "clock +" + advance / 1_000_000 + " ms, reap";
						pool.evictIdle();
					}
					else {
						// Before any reaper or stats() runs: the request itself must skip
						// what expired.
						Destination destination = destinations[random.nextInt(destinations.length)];
						what = "clock +" + advance / 1_000_000 + " ms, acquire " + destination;
						tryAcquire(pool, destination, held, returnedAt, idleTimeout, maxRequests, warm, seed, step);
					}
				}
				else {
					what = "close idle";
					pool.closeIdle((destination) -> random.nextBoolean());
				}
				checkInvariants(pool, seed, step, what, held, dialed, maxConnsPerHost, maxIdlePerHost, maxIdle, warm);
			}
		}
		finally {
			pool.shutdown();
		}
	}

	private void tryAcquire(ConnectionPool pool, Destination destination, List<Pooled> held,
			java.util.Map<Pooled, Long> returnedAt, Duration idleTimeout, int maxRequests, int warm, long seed,
			int step) {
		Pooled connection;
		try {
			connection = pool.acquire(destination, 0, false, System.nanoTime() + 1, () -> false);
		}
		catch (IOException expected) {
			// At the limit with nothing idle, or the dial failed: the request gives up.
			return;
		}
		assertThat(held).as("seed %d step %d: %s handed out twice", seed, step, connection).doesNotContain(connection);
		assertThat(((FakeConnection) connection).socketClosed)
			.as("seed %d step %d: a closed connection was handed out", seed, step)
			.isFalse();
		if (maxRequests > 0) {
			assertThat(connection.requestCount())
				.as("seed %d step %d: %s was handed out past max-requests-per-conn", seed, step, connection)
				.isLessThan(maxRequests);
		}
		Long idleSince = returnedAt.remove(connection);
		boolean exempt = warm > 0 && destination.equals(A);
		if (idleSince != null && !idleTimeout.isZero() && !exempt) {
			assertThat(this.clock.get() - idleSince)
				.as("seed %d step %d: %s was handed out past its idle timeout", seed, step, connection)
				.isLessThan(idleTimeout.toNanos());
		}
		((FakeConnection) connection).requests++;
		held.add(connection);
	}

	private void checkInvariants(ConnectionPool pool, long seed, int step, String what, List<Pooled> held,
			List<FakeConnection> dialed, int maxConnsPerHost, int maxIdlePerHost, int maxIdle, int warm) {
		PoolStats stats = pool.stats();
		String context = "seed " + seed + ", step " + step + " (" + what + "): " + stats;
		assertThat(stats.active()).as(context).isEqualTo(held.size());
		assertThat(stats.waiting()).as(context).isZero();
		assertThat(stats.dialing()).as(context).isZero();
		if (maxIdle > 0) {
			assertThat(stats.idle()).as(context).isLessThanOrEqualTo(maxIdle);
		}
		long open = dialed.stream().filter((connection) -> !connection.socketClosed).count();
		assertThat(stats.open()).as(context + ": every connection not closed is in the pool, and no other")
			.isEqualTo(open);
		for (PoolStats.DestinationStats destination : stats.destinations()) {
			assertThat(destination.idle() + destination.active()).as(context).isLessThanOrEqualTo(maxConnsPerHost);
			assertThat(destination.idle()).as(context).isLessThanOrEqualTo(Math.max(0, maxIdlePerHost));
			assertThat(destination.connections()).as(context).hasSize(destination.idle() + destination.active());
			if (warm == 0 || !destination.destination().equals(A)) {
				assertThat(destination.idle() + destination.active()).as(context + ": an empty destination is dropped")
					.isPositive();
			}
		}
		for (Pooled connection : held) {
			assertThat(((FakeConnection) connection).socketClosed).as(context + ": a held connection was closed")
				.isFalse();
		}
	}

	private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertThatThrownByFuture(
			Future<?> future) {
		return assertThatThrownBy(() -> {
			try {
				future.get(10, TimeUnit.SECONDS);
			}
			catch (java.util.concurrent.ExecutionException ex) {
				throw ex.getCause();
			}
		});
	}

	private final class PendingDial {

		final Destination destination;

		final CompletableFuture<Pooled> result = new CompletableFuture<>();

		PendingDial(Destination destination) {
			this.destination = destination;
		}

		FakeConnection succeed() {
			FakeConnection connection = new FakeConnection(this.destination, ConnectionPoolTests.this.clock.get());
			this.result.complete(connection);
			return connection;
		}

		void fail(IOException failure) {
			this.result.completeExceptionally(failure);
		}

	}

}
