package dev.roundtrip.transport.internal.pool;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

import dev.roundtrip.transport.Destination;

/**
 * A request's wish for a connection, and the one place where "an idle connection came
 * back", "my dial finished" and "I gave up" race. Whoever completes it first wins;
 * {@link #tryDeliver} tells the others they lost, and a loser holding a connection gives
 * it back to the pool. Go: {@code wantConn}.
 */
final class Want {

	private static final VarHandle RESULT;

	static {
		try {
			RESULT = MethodHandles.lookup().findVarHandle(Want.class, "result", Object.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	/** The result of a want its requester gave up on. */
	static final Object CANCELED = new Object();

	final Destination destination;

	/** Connect timeout for a dial made for this want, in milliseconds; 0 for none. */
	final int connectTimeoutMillis;

	final Thread waiter;

	/**
	 * null while pending; then a {@link Pooled}, an {@link java.io.IOException}, or
	 * {@link #CANCELED}.
	 */
	private volatile Object result;

	/**
	 * Whether a connection delivered here came from the pool or another request, rather
	 * than its own dial.
	 */
	volatile boolean reused;

	/** Guarded by the pool's lock. */
	boolean inDialQueue;

	/**
	 * A dial made to keep a destination's {@code min-idle-conns}, for no request: its
	 * connection goes to the pool.
	 */
	final boolean warm;

	/**
	 * Whether a request queued under {@code max-conns-per-host} gives up waiting at
	 * {@link #poolDeadlineNanos} ({@code pool-wait-timeout}). Only its requester's thread
	 * reads or writes these two.
	 */
	boolean poolWaitBounded;

	/** On {@link System#nanoTime()}. */
	long poolDeadlineNanos;

	Want(Destination destination, int connectTimeoutMillis) {
		this(destination, connectTimeoutMillis, false);
	}

	private Want(Destination destination, int connectTimeoutMillis, boolean warm) {
		this.destination = destination;
		this.connectTimeoutMillis = connectTimeoutMillis;
		this.waiter = Thread.currentThread();
		this.warm = warm;
	}

	/**
	 * A want for a warm dial: already given up, so its dial's connection goes to the pool
	 * (late binding) and a failure reaches no request.
	 */
	static Want warm(Destination destination, int connectTimeoutMillis) {
		Want want = new Want(destination, connectTimeoutMillis, true);
		want.cancel();
		return want;
	}

	boolean isPending() {
		return this.result == null;
	}

	Object result() {
		return this.result;
	}

	/**
	 * Completes this want with {@code value} if nobody did before; the caller wakes the
	 * waiter.
	 */
	boolean tryDeliver(Object value) {
		return RESULT.compareAndSet(this, null, value);
	}

	/**
	 * Gives up; false when a result had already arrived, which the caller must then take
	 * or return.
	 */
	boolean cancel() {
		return tryDeliver(CANCELED);
	}

	/** Wakes the requester, wherever it parks: safe from any thread, at any time. */
	void wake() {
		LockSupport.unpark(this.waiter);
	}

}
