package dev.roundtrip.transport.internal.pool;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.roundtrip.transport.CloseReason;
import dev.roundtrip.transport.ConnectionInfo;
import dev.roundtrip.transport.Destination;
import dev.roundtrip.transport.IdleOrder;
import dev.roundtrip.transport.PoolFullException;
import dev.roundtrip.transport.TransportListener;
import dev.roundtrip.transport.TransportTimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The pool's features past Go: bounded waiting, lifetime jitter, requests per connection,
 * FIFO order, the keep-alive margin and warm connections. Dials complete at once on the
 * calling thread, unless {@link #refuseDials} says they fail; time is a manual clock.
 */
class PoolFeaturesTests {

	private static final Destination A = new Destination("http", "a.test", 80, null, null);

	private static final Destination B = new Destination("http", "b.test", 80, null, null);

	private final AtomicLong clock = new AtomicLong(1_000_000_000L);

	private final List<String> closes = new CopyOnWriteArrayList<>();

	private final List<String> acquireFailures = new CopyOnWriteArrayList<>();

	private final List<FakeConnection> dialed = new CopyOnWriteArrayList<>();

	private final AtomicBoolean refuseDials = new AtomicBoolean();

	private final AtomicInteger dialAttempts = new AtomicInteger();

	private ConnectionPool pool;

	@AfterEach
	void tearDown() {
		if (this.pool != null) {
			this.pool.shutdown();
		}
	}

	private ConnectionPool pool(UnaryOperator<Limits> limits) {
		return pool(limits, 0, Duration.ZERO);
	}

	private ConnectionPool pool(UnaryOperator<Limits> limits, int maxIdle, Duration keepAliveMargin) {
		TransportListener listener = new TransportListener() {
			@Override
			public void connectionClosed(ConnectionInfo connection, CloseReason reason, long lifetimeNanos) {
				PoolFeaturesTests.this.closes.add(connection + ":" + reason);
			}

			@Override
			public void connectionAcquireFailed(Destination destination, AcquireFailure outcome, long waitNanos) {
				PoolFeaturesTests.this.acquireFailures.add(destination.authority() + ":" + outcome);
			}
		};
		Limits configured = limits.apply(new Limits());
		this.pool = new ConnectionPool((destination) -> configured.build(), maxIdle, false, keepAliveMargin, 0,
				this::dial, Runnable::run, listener, this.clock::get);
		return this.pool;
	}

	private Pooled dial(Destination destination, int timeoutMillis) throws IOException {
		this.dialAttempts.incrementAndGet();
		if (this.refuseDials.get()) {
			throw new ConnectException("refused by the test");
		}
		FakeConnection connection = new FakeConnection(destination, this.clock.get());
		this.dialed.add(connection);
		return connection;
	}

	private Pooled acquire(Destination destination) throws IOException {
		return this.pool.acquire(destination, 0, false, System.nanoTime() + TimeUnit.SECONDS.toNanos(10), () -> false);
	}

	private Future<Pooled> acquireAsync(Destination destination) {
		CompletableFuture<Pooled> result = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			try {
				result.complete(this.pool.acquire(destination, 0, false,
						System.nanoTime() + TimeUnit.SECONDS.toNanos(10), () -> false));
			}
			catch (Throwable ex) {
				result.completeExceptionally(ex);
			}
		}, "requester");
		thread.setDaemon(true);
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

	private void advance(Duration duration) {
		this.clock.addAndGet(duration.toNanos());
	}

	private long openConnections() {
		return this.dialed.stream().filter((connection) -> !connection.socketClosed).count();
	}

	// max-conns-per-host counts a connection until its socket is closed

	@Test
	void aClosingConnectionKeepsItsSlotUntilItsSocketIsClosed() throws Exception {
		pool((l) -> l.maxConns(1).poolWait(Duration.ZERO));
		FakeConnection first = (FakeConnection) acquire(A);
		CountDownLatch gate = new CountDownLatch(1);
		first.closeGate = gate;
		Thread releasing = new Thread(() -> this.pool.release(first, CloseReason.ERROR), "releasing");
		releasing.start();
		long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!first.closeStarted) {
			assertThat(System.nanoTime()).as("the close has started").isLessThan(until);
			Thread.onSpinWait();
		}
		Future<Pooled> next = acquireAsync(A);
		awaitWaiting(1);
		assertThat(this.dialed).as("no dial while the old socket is still open").hasSize(1);
		gate.countDown();
		Pooled second = next.get(10, TimeUnit.SECONDS);
		assertThat(first.socketClosed).isTrue();
		assertThat(this.dialed).hasSize(2).last().isSameAs(second);
		releasing.join(10_000);
	}

	// pool-wait-timeout

	@Test
	void zeroPoolWaitTimeoutFailsAtOnceWhenTheDestinationIsFull() throws Exception {
		pool((l) -> l.maxConns(1).poolWait(Duration.ZERO));
		Pooled only = acquire(A);
		assertThatThrownBy(() -> acquire(A))
			.isInstanceOfSatisfying(TransportTimeoutException.class,
					(ex) -> assertThat(ex.limit()).isEqualTo(TransportTimeoutException.Limit.POOL_WAIT))
			.hasMessageContaining("a.test:80")
			.hasMessageContaining("pool-wait-timeout is 0")
			.hasMessageContaining("1 allowed by max-conns-per-host");
		assertThat(this.acquireFailures).containsExactly("a.test:80:TIMEOUT");
		assertThat(this.pool.stats().waiting()).isZero();
		this.pool.release(only, null);
		assertThat(acquire(A)).as("a destination with room still serves").isSameAs(only);
	}

	@Test
	void poolWaitTimeoutEndsTheWaitOfAQueuedRequestOnly() throws Exception {
		pool((l) -> l.maxConns(1).poolWait(Duration.ofMillis(50)));
		Pooled only = acquire(A);
		Future<Pooled> queued = acquireAsync(A);
		assertThatThrownByFuture(queued)
			.isInstanceOfSatisfying(TransportTimeoutException.class,
					(ex) -> assertThat(ex.limit()).isEqualTo(TransportTimeoutException.Limit.POOL_WAIT))
			.hasMessageContaining("became free within pool-wait-timeout");
		assertThat(this.pool.stats().waiting()).as("it left the queue").isZero();
		this.pool.release(only, CloseReason.ERROR);
		assertThat(this.pool.stats().destinations()).as("no slot leaked").isEmpty();
	}

	@Test
	void requestServedWithinThePoolWaitTimeoutGetsTheConnection() throws Exception {
		pool((l) -> l.maxConns(1).poolWait(Duration.ofSeconds(30)));
		Pooled only = acquire(A);
		Future<Pooled> queued = acquireAsync(A);
		awaitWaiting(1);
		this.pool.release(only, null);
		assertThat(queued.get(10, TimeUnit.SECONDS)).isSameAs(only);
	}

	// max-pending-per-host

	@Test
	void requestBeyondMaxPendingPerHostIsRejectedAtOnce() throws Exception {
		pool((l) -> l.maxConns(1).maxPending(2));
		Pooled only = acquire(A);
		Future<Pooled> first = acquireAsync(A);
		awaitWaiting(1);
		Future<Pooled> second = acquireAsync(A);
		awaitWaiting(2);
		assertThatThrownBy(() -> acquire(A)).isInstanceOfSatisfying(PoolFullException.class, (ex) -> {
			assertThat(ex.destination()).isEqualTo(A);
			assertThat(ex.maxPending()).isEqualTo(2);
		}).hasMessageContaining("a.test:80").hasMessageContaining("max-pending-per-host is 2");
		assertThat(this.acquireFailures).containsExactly("a.test:80:REJECTED");
		assertThat(acquire(B)).as("the limit is per destination").isNotNull();
		this.pool.release(only, null);
		Pooled next = first.get(10, TimeUnit.SECONDS);
		this.pool.release(next, null);
		assertThat(second.get(10, TimeUnit.SECONDS)).isSameAs(only);
	}

	// max-conn-lifetime-jitter

	@Test
	void eachConnectionDrawsItsLifetimeWithinTheJitter() throws Exception {
		pool((l) -> l.lifetime(Duration.ofSeconds(100)).jitter(Duration.ofSeconds(50)));
		List<Pooled> connections = new ArrayList<>();
		for (int i = 0; i < 40; i++) {
			connections.add(acquire(A));
		}
		connections.forEach((connection) -> this.pool.release(connection, null));
		advance(Duration.ofSeconds(50).minusNanos(1));
		this.pool.evictIdle();
		assertThat(this.closes).as("none expires before lifetime - jitter").isEmpty();
		advance(Duration.ofSeconds(25));
		this.pool.evictIdle();
		assertThat(this.closes).as("by the middle of the range some have expired, not all")
			.isNotEmpty()
			.hasSizeLessThan(40)
			.allMatch((close) -> close.endsWith(":LIFETIME"));
		advance(Duration.ofSeconds(25).plusNanos(1));
		this.pool.evictIdle();
		assertThat(this.closes).as("at the lifetime all have").hasSize(40);
	}

	@Test
	void zeroJitterExpiresEveryConnectionAtTheLifetime() throws Exception {
		pool((l) -> l.lifetime(Duration.ofSeconds(100)));
		List<Pooled> connections = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			connections.add(acquire(A));
		}
		connections.forEach((connection) -> this.pool.release(connection, null));
		advance(Duration.ofSeconds(100).minusNanos(1));
		this.pool.evictIdle();
		assertThat(this.closes).isEmpty();
		advance(Duration.ofNanos(1));
		this.pool.evictIdle();
		assertThat(this.closes).hasSize(10);
	}

	// max-requests-per-conn

	@Test
	void connectionIsClosedOnReleaseAfterMaxRequestsPerConn() throws Exception {
		pool((l) -> l.maxRequests(3));
		FakeConnection first = (FakeConnection) acquire(A);
		for (int i = 1; i <= 3; i++) {
			assertThat(first.socketClosed).isFalse();
			first.requests = i;
			this.pool.release(first, null);
			if (i < 3) {
				assertThat(acquire(A)).isSameAs(first);
			}
		}
		assertThat(this.closes).containsExactly(first + ":MAX_REQUESTS");
		assertThat(acquire(A)).isNotSameAs(first);
	}

	// idle-order

	@Test
	void fifoOrderTakesTheLeastRecentlyReturnedConnection() throws Exception {
		pool((l) -> l.order(IdleOrder.FIFO));
		Pooled first = acquire(A);
		Pooled second = acquire(A);
		Pooled third = acquire(A);
		this.pool.release(first, null);
		this.pool.release(second, null);
		this.pool.release(third, null);
		assertThat(acquire(A)).isSameAs(first);
		assertThat(acquire(A)).isSameAs(second);
		assertThat(acquire(A)).isSameAs(third);
	}

	@Test
	void fifoOrderSpreadsSequentialRequestsOverEveryOpenConnection() throws Exception {
		pool((l) -> l.order(IdleOrder.FIFO));
		List<Pooled> connections = List.of(acquire(A), acquire(A), acquire(A));
		connections.forEach((connection) -> this.pool.release(connection, null));
		List<Pooled> used = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			Pooled connection = acquire(A);
			used.add(connection);
			this.pool.release(connection, null);
		}
		assertThat(used).containsExactlyElementsOf(List.of(connections.get(0), connections.get(1), connections.get(2),
				connections.get(0), connections.get(1), connections.get(2)));
	}

	@Test
	void lifoOrderKeepsSequentialRequestsOnOneConnection() throws Exception {
		pool((l) -> l);
		List<Pooled> connections = List.of(acquire(A), acquire(A), acquire(A));
		connections.forEach((connection) -> this.pool.release(connection, null));
		for (int i = 0; i < 6; i++) {
			Pooled connection = acquire(A);
			assertThat(connection).isSameAs(connections.get(2));
			this.pool.release(connection, null);
		}
	}

	// keep-alive-margin

	@Test
	void serverKeepAliveTimeoutIsShortenedByTheMargin() throws Exception {
		pool((l) -> l.idleTimeout(Duration.ofSeconds(90)), 0, Duration.ofSeconds(1));
		FakeConnection connection = (FakeConnection) acquire(A);
		connection.serverIdleTimeoutNanos = Duration.ofSeconds(5).toNanos();
		this.pool.release(connection, null);
		advance(Duration.ofSeconds(4).minusNanos(1));
		this.pool.evictIdle();
		assertThat(this.closes).isEmpty();
		advance(Duration.ofNanos(1));
		this.pool.evictIdle();
		assertThat(this.closes).containsExactly(connection + ":IDLE_TIMEOUT");
	}

	@Test
	void serverKeepAliveTimeoutWithinTheMarginMeansNoReuseAfterIdling() throws Exception {
		pool((l) -> l.maxConns(1).idleTimeout(Duration.ofSeconds(90)), 0, Duration.ofSeconds(1));
		FakeConnection connection = (FakeConnection) acquire(A);
		connection.serverIdleTimeoutNanos = Duration.ofSeconds(1).toNanos();
		Future<Pooled> waiting = acquireAsync(A);
		awaitWaiting(1);
		this.pool.release(connection, null);
		assertThat(waiting.get(10, TimeUnit.SECONDS)).as("handed on at once: it never idled").isSameAs(connection);
		this.pool.release(connection, null);
		assertThat(this.closes).containsExactly(connection + ":IDLE_TIMEOUT");
		assertThat(this.pool.stats().idle()).isZero();
	}

	// min-idle-conns

	@Test
	void warmConnectionsAreOpenedBeforeAnyRequest() {
		pool((l) -> l.minIdle(3));
		this.pool.warm(A);
		assertThat(this.pool.stats().destination(A).idle()).isEqualTo(3);
		assertThat(this.pool.stats().destination(A).minIdleConns()).isEqualTo(3);
		assertThat(this.dialed).hasSize(3);
	}

	@Test
	void firstRequestToAWarmDestinationOpensItsConnectionsCountingItsOwn() throws Exception {
		pool((l) -> l.minIdle(3));
		Pooled connection = acquire(A);
		assertThat(this.dialed).as("its own and two more, not three more").hasSize(3);
		assertThat(this.pool.stats().destination(A).idle()).isEqualTo(2);
		this.pool.release(connection, null);
		assertThat(this.pool.stats().destination(A).idle()).isEqualTo(3);
	}

	@Test
	void warmConnectionsAreExemptFromTheIdleTimeoutButNotTheSurplus() throws Exception {
		pool((l) -> l.minIdle(2).idleTimeout(Duration.ofSeconds(10)));
		this.pool.warm(A);
		List<Pooled> held = List.of(acquire(A), acquire(A), acquire(A), acquire(A));
		held.forEach((connection) -> this.pool.release(connection, null));
		assertThat(this.pool.stats().destination(A).idle()).isEqualTo(4);
		advance(Duration.ofHours(1));
		this.pool.evictIdle();
		assertThat(this.pool.stats().destination(A).idle()).as("the surplus idled out, the warm ones stay")
			.isEqualTo(2);
		assertThat(this.closes).hasSize(2).allMatch((close) -> close.endsWith(":IDLE_TIMEOUT"));
		assertThat(this.dialed).as("nothing re-dialed").hasSize(4);
	}

	@Test
	void warmConnectionPastItsLifetimeIsReplaced() throws Exception {
		pool((l) -> l.minIdle(1).lifetime(Duration.ofMinutes(10)));
		this.pool.warm(A);
		FakeConnection first = this.dialed.get(0);
		advance(Duration.ofMinutes(10));
		this.pool.evictIdle();
		assertThat(this.closes).containsExactly(first + ":LIFETIME");
		assertThat(this.dialed).hasSize(2);
		assertThat(this.pool.stats().destination(A).idle()).isEqualTo(1);
	}

	@Test
	void warmConnectionTheServerClosedIsReplaced() throws Exception {
		pool((l) -> l.minIdle(1));
		this.pool.warm(A);
		FakeConnection first = this.dialed.get(0);
		first.reusable = false;
		Pooled connection = acquire(A);
		assertThat(this.closes).containsExactly(first + ":SERVER_CLOSED");
		assertThat(this.dialed).hasSize(2);
		assertThat(connection).as("the request takes the replacement").isSameAs(this.dialed.get(1));
		this.pool.release(connection, null);
		assertThat(openConnections()).isEqualTo(1);
		assertThat(this.pool.stats().destination(A).idle()).isEqualTo(1);
	}

	@Test
	void failedWarmDialsBackOffAndRecover() throws Exception {
		pool((l) -> l.minIdle(1));
		this.refuseDials.set(true);
		this.pool.warm(A);
		assertThat(this.dialAttempts).hasValue(1);
		this.pool.evictIdle();
		assertThat(this.dialAttempts).as("no retry before the backoff").hasValue(1);
		advance(Duration.ofMillis(100));
		this.pool.evictIdle();
		assertThat(this.dialAttempts).hasValue(2);
		advance(Duration.ofMillis(100));
		this.pool.evictIdle();
		assertThat(this.dialAttempts).as("the backoff doubled").hasValue(2);
		advance(Duration.ofMillis(100));
		this.pool.evictIdle();
		assertThat(this.dialAttempts).hasValue(3);
		this.refuseDials.set(false);
		advance(Duration.ofSeconds(1));
		this.pool.evictIdle();
		assertThat(this.pool.stats().destination(A).idle()).isEqualTo(1);
		this.pool.evictIdle();
		assertThat(this.dialAttempts).hasValue(4);
	}

	@Test
	void warmConnectionsComeBackAfterCloseIdleConnections() throws Exception {
		pool((l) -> l.minIdle(2));
		this.pool.warm(A);
		this.pool.closeIdle();
		assertThat(this.closes).hasSize(2).allMatch((close) -> close.endsWith(":CLOSE_IDLE"));
		assertThat(openConnections()).isEqualTo(2);
		assertThat(this.pool.stats().destination(A).idle()).isEqualTo(2);
	}

	@Test
	void warmConnectionsAreNotTheLeastRecentlyUsedVictimsOfTheGlobalIdleCap() throws Exception {
		pool((l) -> l.minIdle(1), 2, Duration.ZERO);
		this.pool.warm(A);
		FakeConnection warm = this.dialed.get(0);
		Pooled b1 = acquire(B);
		Pooled b2 = acquire(B);
		this.pool.release(b1, null);
		this.pool.release(b2, null);
		assertThat(warm.socketClosed).isFalse();
		assertThat(this.closes).containsExactly(b1 + ":MAX_IDLE");
	}

	@Test
	void shutdownStopsWarmConnections() {
		pool((l) -> l.minIdle(2));
		this.pool.warm(A);
		this.pool.shutdown();
		assertThat(openConnections()).isZero();
		assertThat(this.dialed).hasSize(2);
	}

	private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertThatThrownByFuture(
			Future<?> future) {
		return assertThatThrownBy(() -> {
			try {
				future.get(10, TimeUnit.SECONDS);
			}
			catch (ExecutionException ex) {
				throw ex.getCause();
			}
		});
	}

	/** The limits of a test, from Go's defaults. */
	private static final class Limits {

		private int maxConns;

		private Duration idleTimeout = Duration.ZERO;

		private Duration lifetime = Duration.ZERO;

		private Duration jitter = Duration.ZERO;

		private Duration poolWait;

		private int maxPending;

		private int maxRequests;

		private IdleOrder order = IdleOrder.LIFO;

		private int minIdle;

		Limits maxConns(int value) {
			this.maxConns = value;
			return this;
		}

		Limits idleTimeout(Duration value) {
			this.idleTimeout = value;
			return this;
		}

		Limits lifetime(Duration value) {
			this.lifetime = value;
			return this;
		}

		Limits jitter(Duration value) {
			this.jitter = value;
			return this;
		}

		Limits poolWait(Duration value) {
			this.poolWait = value;
			return this;
		}

		Limits maxPending(int value) {
			this.maxPending = value;
			return this;
		}

		Limits maxRequests(int value) {
			this.maxRequests = value;
			return this;
		}

		Limits order(IdleOrder value) {
			this.order = value;
			return this;
		}

		Limits minIdle(int value) {
			this.minIdle = value;
			return this;
		}

		ConnectionPool.Limits build() {
			return new ConnectionPool.Limits(this.maxConns, 100, this.idleTimeout, this.lifetime, this.jitter,
					this.poolWait, this.maxPending, this.maxRequests, this.order, this.minIdle);
		}

	}

}
