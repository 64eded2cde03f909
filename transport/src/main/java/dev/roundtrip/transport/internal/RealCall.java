package dev.roundtrip.transport.internal;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import dev.roundtrip.transport.Call;
import dev.roundtrip.transport.CanceledException;
import dev.roundtrip.transport.CloseReason;
import dev.roundtrip.transport.Destination;
import dev.roundtrip.transport.Request;
import dev.roundtrip.transport.Response;
import dev.roundtrip.transport.internal.conn.Connection;

/**
 * A call: acquires a connection, runs the exchange on it, and retries once on a fresh
 * connection when Go's rules allow (see {@link Exchange.Retry}). Also the owner token of
 * the connection it uses, so a cancel closes exactly the connection this call holds and
 * no other. Go: {@code (*Transport).roundTrip}.
 */
final class RealCall extends Watchdog.Deadline implements Call, BooleanSupplier {

	/** A body this small goes to the socket with the head in one write. */
	private static final long SMALL_BODY_BYTES = 4096;

	private final Engine engine;

	private final Request request;

	private volatile boolean executed;

	private volatile boolean canceled;

	private volatile boolean deadlineExpired;

	private volatile Thread thread;

	/** The connection the current exchange runs on, for cancel. */
	private volatile Connection connection;

	private long deadlineNanos;

	/** Where the call was made, for leak reports in paranoid mode. */
	private Throwable origin;

	RealCall(Engine engine, Request request) {
		this.engine = engine;
		this.request = request;
	}

	@Override
	public Request request() {
		return this.request;
	}

	@Override
	public Response execute() throws IOException {
		if (this.executed) {
			throw new IllegalStateException("Call already executed: " + this.request);
		}
		this.executed = true;
		this.thread = Thread.currentThread();
		if (Thread.currentThread().isInterrupted()) {
			throw new CanceledException("Thread interrupted before " + this.request + " was sent");
		}
		if (this.engine.settings().leakDetection() == dev.roundtrip.transport.LeakDetection.PARANOID) {
			this.origin = new Throwable("Where " + this.request + " was sent");
		}
		if (this.request.timeout() != null) {
			this.deadlineNanos = System.nanoTime() + this.request.timeout().toNanos();
			this.engine.watchdog().watch(this);
		}
		boolean handedOff = false;
		try {
			Response response = run();
			handedOff = true;
			return response;
		}
		finally {
			if (!handedOff) {
				finished();
			}
		}
	}

	/**
	 * Go's retry loop: a request that failed on a reused connection is sent once more, on
	 * a new connection, when {@link Exchange.Retry} allows it; never after a failure on a
	 * new connection, never twice.
	 */
	private Response run() throws IOException {
		Destination destination = this.engine.destinationFor(this.request);
		// Checked before a connection is taken: a request that cannot be sent costs no
		// dial.
		String target = RequestTarget.of(this.request.uri(), destination);
		int connectTimeout = this.engine.connectTimeoutMillis(this.request);
		boolean staleRetriable = staleRetriable(this.request);
		boolean retried = false;
		for (;;) {
			checkNotCanceled("before a connection was taken");
			Connection conn = (Connection) this.engine.pool()
				.acquire(destination, connectTimeout, retried, this.deadlineNanos, this, staleRetriable);
			boolean reused = conn.requestCount() > 0;
			Exchange exchange = new Exchange(this.engine, this, conn);
			try {
				return exchange.run(this.request, destination, target);
			}
			catch (IOException ex) {
				Exchange.Retry retry = exchange.retry();
				// An interrupt is a cancel: never retried, never a new dial.
				if (retried || !reused || !retry.allows(this.request) || isCanceled()
						|| Thread.currentThread().isInterrupted()) {
					throw ex;
				}
				retried = true;
				if (this.deadlineNanos != 0) {
					// The failed exchange ended the watch; the retry runs under the same
					// deadline.
					this.engine.watchdog().watch(this);
				}
			}
		}
	}

	/**
	 * Whether {@code request}, sent on a reused connection the server had closed, is sure
	 * to be sent again on a fresh one: it is replayable ({@link Exchange.Retry}), and
	 * small enough to go to the socket in one write that a closed connection still takes
	 * whole, so that the failure comes on the first read, before any response byte. A
	 * larger body could fail part-way through, which is never retried.
	 */
	static boolean staleRetriable(Request request) {
		if (!request.isReplayable()) {
			return false;
		}
		Request.Body body = request.body();
		return body == null || (body.contentLength() >= 0 && body.contentLength() <= SMALL_BODY_BYTES);
	}

	void checkNotCanceled(String stage) throws IOException {
		if (this.deadlineExpired) {
			throw Exchange.callTimeout(this, stage);
		}
		if (this.canceled) {
			throw new CanceledException("Request " + this.request + " canceled " + stage);
		}
	}

	/**
	 * Binds the call to the connection its exchange runs on; a cancel that came first
	 * aborts it at once.
	 */
	void attach(Connection conn) {
		conn.claim(this);
		this.connection = conn;
		if (this.canceled || this.deadlineExpired) {
			conn.abort(this);
		}
	}

	/**
	 * The exchange is over (body read, closed, or failed): stop watching its deadline.
	 */
	void finished() {
		this.connection = null;
		if (this.deadlineNanos != 0) {
			this.engine.watchdog().unwatch(this);
		}
	}

	@Override
	public void cancel() {
		this.canceled = true;
		interruptWork();
	}

	@Override
	protected void expire() {
		this.deadlineExpired = true;
		interruptWork();
	}

	private void interruptWork() {
		Connection conn = this.connection;
		if (conn != null && conn.abort(this)) {
			// Free the connection's slot now, as Go does at cancel, not when the caller
			// lets go of the response.
			// The owner's own release later finds it closed and does nothing.
			this.engine.pool().release(conn, this.deadlineExpired ? CloseReason.TIMEOUT : CloseReason.CANCELED);
		}
		Thread waiter = this.thread;
		if (waiter != null) {
			// Wakes the thread if it is parked waiting for a connection; harmless
			// otherwise.
			LockSupport.unpark(waiter);
		}
	}

	@Override
	public boolean isCanceled() {
		return this.canceled || this.deadlineExpired;
	}

	boolean isCanceledByUser() {
		return this.canceled;
	}

	/**
	 * For the pool: whether the caller canceled (a passed deadline the pool checks
	 * itself).
	 */
	@Override
	public boolean getAsBoolean() {
		return this.canceled;
	}

	boolean isDeadlineExpired() {
		return this.deadlineExpired;
	}

	@Override
	protected long deadlineNanos() {
		return this.deadlineNanos;
	}

	Throwable origin() {
		return this.origin;
	}

	Engine engine() {
		return this.engine;
	}

	URI uri() {
		return this.request.uri();
	}

	@Override
	public String toString() {
		return "call " + this.request;
	}

}
