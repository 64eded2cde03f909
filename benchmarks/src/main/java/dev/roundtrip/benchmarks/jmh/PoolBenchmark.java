package dev.roundtrip.benchmarks.jmh;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import dev.roundtrip.transport.Destination;
import dev.roundtrip.transport.TransportListener;
import dev.roundtrip.transport.internal.pool.ConnectionPool;
import dev.roundtrip.transport.internal.pool.Pooled;

/**
 * Taking an idle connection from the pool and giving it back, without sockets: alone, and
 * with 64 threads on a 64-connection destination (no thread waits for a connection, all
 * contend for the pool's lock).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PoolBenchmark {

	private static final Destination DESTINATION = new Destination("http", "pool.test", 80, null, null);

	private ConnectionPool pool;

	@Setup
	public void setUp() {
		this.pool = new ConnectionPool((destination) -> new ConnectionPool.Limits(64, 64, Duration.ZERO, Duration.ZERO),
				0, false, Duration.ZERO, 0, (destination, timeout) -> new SocketlessConnection(destination),
				Runnable::run, TransportListener.NONE, System::nanoTime);
	}

	@TearDown
	public void tearDown() {
		this.pool.shutdown();
	}

	@Benchmark
	@Threads(1)
	public Pooled acquireReleaseUncontended() throws IOException {
		return acquireRelease();
	}

	@Benchmark
	@Threads(64)
	public Pooled acquireRelease64Threads() throws IOException {
		return acquireRelease();
	}

	private Pooled acquireRelease() throws IOException {
		Pooled connection = this.pool.acquire(DESTINATION, 1000, false, 0, () -> false);
		this.pool.release(connection, null);
		return connection;
	}

	/** A connection that is always reusable and has nothing to close. */
	static final class SocketlessConnection extends Pooled {

		private static final AtomicLong IDS = new AtomicLong();

		private final long id = IDS.incrementAndGet();

		private final Destination destination;

		private final long createdAt = System.nanoTime();

		SocketlessConnection(Destination destination) {
			this.destination = destination;
		}

		@Override
		protected boolean isReusable() {
			return true;
		}

		@Override
		protected void closeSocket() {
		}

		@Override
		public long id() {
			return this.id;
		}

		@Override
		public Destination destination() {
			return this.destination;
		}

		@Override
		public InetSocketAddress localAddress() {
			return new InetSocketAddress(0);
		}

		@Override
		public InetSocketAddress remoteAddress() {
			return new InetSocketAddress(0);
		}

		@Override
		public long createdAtNanos() {
			return this.createdAt;
		}

		@Override
		public long requestCount() {
			return 0;
		}

		@Override
		public String tlsProtocol() {
			return null;
		}

		@Override
		public String cipherSuite() {
			return null;
		}

	}

}
