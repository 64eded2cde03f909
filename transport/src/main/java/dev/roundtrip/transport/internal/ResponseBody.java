package dev.roundtrip.transport.internal;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.Objects;

import dev.roundtrip.transport.CloseReason;
import dev.roundtrip.transport.LeakDetection;
import dev.roundtrip.transport.TransportSettings;
import dev.roundtrip.transport.internal.http1.ChunkedSource;
import dev.roundtrip.transport.internal.http1.FixedLengthSource;

/**
 * The body stream handed to the caller. It gives the connection back to the pool the
 * moment the body's last byte is read (Go returns it on EOF, with or without
 * {@code Close}); on an early {@link #close()} it drains a small remainder to keep the
 * connection, within {@code drain-on-close} bounds, or closes it (Go always closes).
 *
 * <p>
 * The caller holds this object; everything needed to end the exchange lives in
 * {@link State}, which does not point back here. So when the caller drops the stream
 * unread and unclosed, the transport's {@link LeakDetector} sees it become unreachable
 * and closes the connection as leaked.
 */
final class ResponseBody extends InputStream implements InflatingBody.EncodedSource {

	private static final System.Logger LOG = System.getLogger("dev.roundtrip.transport.LeakDetection");

	private final State state;

	private final LeakDetector.Cleanable cleanable;

	/** For {@link #read()}; made on first use, as most callers read in blocks. */
	private byte[] single;

	private ResponseBody(State state, LeakDetector leakDetector) {
		this.state = state;
		this.cleanable = (leakDetector != null) ? leakDetector.register(this, state) : null;
	}

	static ResponseBody open(Exchange exchange, InputStream raw, CloseReason afterBody, TransportSettings settings) {
		State state = new State(exchange, raw, afterBody, settings);
		return new ResponseBody(state,
				(settings.leakDetection() != LeakDetection.DISABLED) ? exchange.call().engine().leakDetector() : null);
	}

	@Override
	public int read() throws IOException {
		byte[] one = this.single;
		if (one == null) {
			one = new byte[1];
			this.single = one;
		}
		int n = read(one, 0, 1);
		return (n == 1) ? one[0] & 0xff : -1;
	}

	@Override
	public int read(byte[] b, int off, int len) throws IOException {
		Objects.checkFromIndexSize(off, len, b.length);
		try {
			int n = this.state.read(b, off, len);
			if (this.state.done && this.cleanable != null) {
				this.cleanable.clean();
			}
			return n;
		}
		finally {
			// The cleaner must not see this stream unreachable while one of its methods
			// runs.
			Reference.reachabilityFence(this);
		}
	}

	@Override
	public int available() throws IOException {
		try {
			return this.state.available();
		}
		finally {
			Reference.reachabilityFence(this);
		}
	}

	/**
	 * A decoder reading this body found its content corrupt or truncated: the exchange
	 * fails and the connection is closed, never drained back into the pool.
	 */
	@Override
	public void decodeWith() {
		this.state.decoded = true;
	}

	@Override
	public void decodingFinished() {
		try {
			this.state.decodingFinished();
			if (this.cleanable != null) {
				this.cleanable.clean();
			}
		}
		finally {
			Reference.reachabilityFence(this);
		}
	}

	@Override
	public void failDecoding(IOException failure) {
		try {
			this.state.failDecoding(failure);
			if (this.cleanable != null) {
				this.cleanable.clean();
			}
		}
		finally {
			Reference.reachabilityFence(this);
		}
	}

	@Override
	public void close() throws IOException {
		try {
			this.state.close();
			if (this.cleanable != null) {
				this.cleanable.clean();
			}
		}
		finally {
			Reference.reachabilityFence(this);
		}
	}

	/**
	 * Everything about the body but the stream object itself; the cleaner's action.
	 *
	 * <p>
	 * A body is read by one thread, but may be closed by another while a read blocks (Go
	 * allows {@code Body.Close} to unblock a {@code Read}). So {@link #stage} says
	 * whether a read is in progress: a close that finds one does not drain (it would race
	 * the reader for the connection's bytes) but closes the connection, which ends the
	 * read. The exchange itself ends once, by whichever of end of body, close, failure or
	 * the cleaner claims {@link #done} first.
	 */
	private static final class State implements Runnable {

		/**
		 * A drain timeout at least this long never ends a drain; also keeps deadlines
		 * clear of overflow.
		 */
		private static final Duration FOREVER = Duration.ofNanos(Long.MAX_VALUE / 4);

		private static final int OPEN = 0;

		private static final int READING = 1;

		private static final int CLOSED = 2;

		private static final VarHandle STAGE;

		private static final VarHandle DONE;

		static {
			try {
				MethodHandles.Lookup lookup = MethodHandles.lookup();
				STAGE = lookup.findVarHandle(State.class, "stage", int.class);
				DONE = lookup.findVarHandle(State.class, "done", boolean.class);
			}
			catch (ReflectiveOperationException ex) {
				throw new ExceptionInInitializerError(ex);
			}
		}

		private final Exchange exchange;

		private final InputStream raw;

		private final CloseReason afterBody;

		private final long drainMaxBytes;

		private final long drainTimeoutNanos;

		/** {@link #OPEN}, {@link #READING} (a read is in progress) or {@link #CLOSED}. */
		private volatile int stage;

		/**
		 * The exchange is over: the connection was given back or closed. Set once,
		 * through {@link #claimDone}.
		 */
		volatile boolean done;

		/**
		 * A decoder reads this body: the end of the encoded bytes does not end the
		 * exchange, the decoder's verdict does ({@link #decodingFinished} or
		 * {@link #failDecoding}), so a body whose content is corrupt closes its
		 * connection. Set before the body is handed out.
		 */
		boolean decoded;

		/** Why reading the body failed, thrown again by every later read. Reader only. */
		private IOException failure;

		State(Exchange exchange, InputStream raw, CloseReason afterBody, TransportSettings settings) {
			this.exchange = exchange;
			this.raw = raw;
			this.afterBody = afterBody;
			this.drainMaxBytes = settings.drainOnCloseMaxBytes();
			this.drainTimeoutNanos = nanos(settings.drainOnCloseTimeout());
		}

		/**
		 * A timeout in nanoseconds; one too long to count in them (some 292 years) is as
		 * good as forever.
		 */
		private static long nanos(Duration timeout) {
			return (timeout.compareTo(FOREVER) >= 0) ? FOREVER.toNanos() : timeout.toNanos();
		}

		int read(byte[] b, int off, int len) throws IOException {
			if (!STAGE.compareAndSet(this, OPEN, READING)) {
				throw (this.stage == CLOSED) ? new IOException("Response body is closed")
						: new IOException("Response body is being read by another thread");
			}
			try {
				if (len == 0) {
					return 0;
				}
				if (this.done) {
					if (this.failure != null) {
						// Go's body keeps returning its error: a failed body never reads
						// as a shorter one
						// (GZIPInputStream, for one, swallows a failure while it looks
						// for another member).
						throw this.failure;
					}
					return -1;
				}
				int n;
				try {
					n = this.raw.read(b, off, len);
				}
				catch (IOException | RuntimeException ex) {
					if (this.stage == CLOSED) {
						// Closed by another thread, which ended the exchange and so this
						// read.
						throw new IOException("Response body was closed while it was being read", ex);
					}
					if (claimDone()) {
						IOException failure = this.exchange.fail(ex, "reading the response body");
						this.failure = failure;
						throw failure;
					}
					throw (ex instanceof IOException io) ? io : new IOException(ex);
				}
				if ((n == -1 || isComplete()) && !this.decoded) {
					// The last byte is read: the connection goes back now, before the
					// caller asks again.
					finish(this.afterBody);
				}
				return n;
			}
			finally {
				// Fails if a close came meanwhile: the body stays closed.
				STAGE.compareAndSet(this, READING, OPEN);
			}
		}

		private boolean isComplete() {
			if (this.raw instanceof FixedLengthSource fixed) {
				return fixed.isComplete();
			}
			if (this.raw instanceof ChunkedSource chunked) {
				return chunked.isComplete();
			}
			return false;
		}

		void failDecoding(IOException failure) {
			if (claimDone()) {
				this.failure = this.exchange.fail(failure, "decoding the response body");
			}
		}

		void decodingFinished() {
			finish(this.afterBody);
		}

		int available() throws IOException {
			return (this.done || this.stage != OPEN) ? 0 : this.raw.available();
		}

		void close() {
			int previous;
			do {
				previous = this.stage;
				if (previous == CLOSED) {
					return;
				}
			}
			while (!STAGE.compareAndSet(this, previous, CLOSED));
			if (this.done) {
				return;
			}
			if (previous == READING) {
				// Another thread is in a read: closing the connection is what ends it.
				finish(CloseReason.EARLY_BODY_CLOSE);
				return;
			}
			finish(drain() ? this.afterBody : CloseReason.EARLY_BODY_CLOSE);
		}

		/**
		 * Reads and discards the rest of the body if it ends within
		 * {@code drain-on-close.max-bytes} and {@code drain-on-close.timeout}. A timeout
		 * of zero drains only what is already buffered. Go issue #75309.
		 */
		private boolean drain() {
			if (this.drainMaxBytes <= 0 || this.afterBody != null || this.exchange.connection().isAborted()) {
				return false;
			}
			if (this.raw instanceof FixedLengthSource fixed) {
				if (fixed.remaining() > this.drainMaxBytes) {
					return false;
				}
			}
			else if (!(this.raw instanceof ChunkedSource)) {
				// Delimited by close: there is no end to drain to.
				return false;
			}
			// Every socket read checks this deadline; a released connection has its
			// limits reset, so it
			// ends with the drain.
			this.exchange.connection()
				.timing()
				.callDeadline(System.nanoTime() + this.drainTimeoutNanos, this.drainTimeoutNanos / 1_000_000);
			// skip() discards straight from the connection's buffer: a drain allocates
			// nothing.
			long drained = 0;
			try {
				while (!isComplete()) {
					// One byte more than allowed is enough to know the body is too long.
					long allowed = this.drainMaxBytes - drained;
					long n = this.raw.skip((allowed == Long.MAX_VALUE) ? allowed : allowed + 1);
					if (n <= 0) {
						// skip() says nothing at the end; a read tells the end from a
						// wait.
						if (this.raw.read() == -1) {
							return true;
						}
						n = 1;
					}
					drained += n;
					if (drained > this.drainMaxBytes) {
						return false;
					}
				}
				return true;
			}
			catch (IOException | RuntimeException ex) {
				return false;
			}
		}

		/**
		 * Wins the right to end the exchange; false if the end of body, a close, a
		 * failure or the cleaner won it.
		 */
		private boolean claimDone() {
			return DONE.compareAndSet(this, false, true);
		}

		private void finish(CloseReason reason) {
			if (!claimDone()) {
				return;
			}
			this.exchange.release(reason);
			this.exchange.call().finished();
		}

		/**
		 * The cleaner's action: runs once the body is unreachable, or when it is cleaned
		 * after use.
		 */
		@Override
		public void run() {
			if (this.stage == CLOSED || !claimDone()) {
				return;
			}
			RealCall call = this.exchange.call();
			Throwable origin = call.origin();
			String message = "A response to " + call.request() + " was dropped without being read to its end or"
					+ " closed; its connection was held until now and has been closed. Close every Response"
					+ " (try-with-resources); with Spring, close the ClientHttpResponse of exchange(..) or"
					+ " execute(..), or use retrieve(), which reads and closes the body for you."
					+ ((origin == null) ? " Set leak-detection to paranoid to see where the request was sent." : "");
			if (origin != null) {
				LOG.log(System.Logger.Level.WARNING, message, origin);
			}
			else {
				LOG.log(System.Logger.Level.WARNING, message);
			}
			// Warned first: whoever sees the connection closed as leaked can find why.
			this.exchange.release(CloseReason.LEAKED);
			call.finished();
		}

	}

}
