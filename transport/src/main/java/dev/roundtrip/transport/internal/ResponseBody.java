package dev.roundtrip.transport.internal;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.Cleaner;

import dev.roundtrip.transport.CloseReason;
import dev.roundtrip.transport.LeakDetection;
import dev.roundtrip.transport.TransportSettings;
import dev.roundtrip.transport.internal.http1.ChunkedSource;
import dev.roundtrip.transport.internal.http1.FixedLengthSource;

/**
 * The body stream handed to the caller. It gives the connection back to the
 * pool the moment the body's last byte is read (Go returns it on EOF, with or
 * without {@code Close}); on an early {@link #close()} it drains a small
 * remainder to keep the connection, within {@code drain-on-close} bounds, or
 * closes it (Go always closes).
 *
 * <p>The caller holds this object; everything needed to end the exchange lives
 * in {@link State}, which does not point back here. So when the caller drops
 * the stream unread and unclosed, the {@link Cleaner} sees it become
 * unreachable and closes the connection as leaked.
 */
final class ResponseBody extends InputStream {

	private static final Cleaner CLEANER = Cleaner.create();

	private static final System.Logger LOG = System.getLogger("dev.roundtrip.transport.LeakDetection");

	private final State state;

	private final Cleaner.Cleanable cleanable;

	private ResponseBody(State state, boolean detectLeaks) {
		this.state = state;
		this.cleanable = detectLeaks ? CLEANER.register(this, state) : null;
	}

	static InputStream open(Exchange exchange, InputStream raw, CloseReason afterBody, TransportSettings settings) {
		State state = new State(exchange, raw, afterBody, settings);
		return new ResponseBody(state, settings.leakDetection() != LeakDetection.DISABLED);
	}

	@Override
	public int read() throws IOException {
		byte[] one = new byte[1];
		int n = read(one, 0, 1);
		return (n == 1) ? one[0] & 0xff : -1;
	}

	@Override
	public int read(byte[] b, int off, int len) throws IOException {
		int n = this.state.read(b, off, len);
		if (this.state.done && this.cleanable != null) {
			this.cleanable.clean();
		}
		return n;
	}

	@Override
	public int available() throws IOException {
		return this.state.available();
	}

	@Override
	public void close() throws IOException {
		this.state.close();
		if (this.cleanable != null) {
			this.cleanable.clean();
		}
	}

	/** Everything about the body but the stream object itself; the cleaner's action. */
	private static final class State implements Runnable {

		private final Exchange exchange;

		private final InputStream raw;

		private final CloseReason afterBody;

		private final long drainMaxBytes;

		private final long drainTimeoutNanos;

		/** The exchange is over: the connection was given back or closed. */
		volatile boolean done;

		private boolean closed;

		State(Exchange exchange, InputStream raw, CloseReason afterBody, TransportSettings settings) {
			this.exchange = exchange;
			this.raw = raw;
			this.afterBody = afterBody;
			this.drainMaxBytes = settings.drainOnCloseMaxBytes();
			this.drainTimeoutNanos = settings.drainOnCloseTimeout().toNanos();
		}

		int read(byte[] b, int off, int len) throws IOException {
			if (this.closed) {
				throw new IOException("Response body is closed");
			}
			if (this.done) {
				return -1;
			}
			int n;
			try {
				n = this.raw.read(b, off, len);
			}
			catch (IOException | RuntimeException ex) {
				this.done = true;
				throw this.exchange.fail(ex, "reading the response body");
			}
			if (n == -1 || isComplete()) {
				// The last byte is read: the connection goes back now, before the caller asks again.
				finish(this.afterBody);
			}
			return n;
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

		int available() throws IOException {
			return (this.done || this.closed) ? 0 : this.raw.available();
		}

		void close() {
			if (this.closed) {
				return;
			}
			this.closed = true;
			if (this.done) {
				return;
			}
			finish(drain() ? this.afterBody : CloseReason.EARLY_BODY_CLOSE);
		}

		/**
		 * Reads and discards the rest of the body if it ends within
		 * {@code drain-on-close.max-bytes} and {@code drain-on-close.timeout}.
		 * Go issue #75309.
		 */
		private boolean drain() {
			if (this.drainMaxBytes <= 0 || this.afterBody != null || this.exchange.connection().isAborted()) {
				return false;
			}
			if (this.raw instanceof FixedLengthSource fixed && fixed.remaining() > this.drainMaxBytes) {
				return false;
			}
			if (!(this.raw instanceof FixedLengthSource) && !(this.raw instanceof ChunkedSource)) {
				return false;
			}
			long deadline = System.nanoTime() + this.drainTimeoutNanos;
			this.exchange.connection().timing()
				.callDeadline(deadline, Math.max(1, this.drainTimeoutNanos / 1_000_000));
			byte[] scratch = new byte[(int) Math.min(8192, this.drainMaxBytes + 1)];
			long drained = 0;
			try {
				int n;
				while ((n = this.raw.read(scratch, 0, scratch.length)) != -1) {
					drained += n;
					if (drained > this.drainMaxBytes) {
						return false;
					}
					if (isComplete()) {
						return true;
					}
				}
				return true;
			}
			catch (IOException | RuntimeException ex) {
				return false;
			}
		}

		private void finish(CloseReason reason) {
			this.done = true;
			this.exchange.release(reason);
			this.exchange.call().finished();
		}

		/** The cleaner's action: runs once the body is unreachable, or when it is cleaned after use. */
		@Override
		public void run() {
			if (this.done || this.closed) {
				return;
			}
			this.done = true;
			RealCall call = this.exchange.call();
			this.exchange.release(CloseReason.LEAKED);
			call.finished();
			Throwable origin = call.origin();
			String message = "A response to " + call.request() + " was dropped without being read to its end or"
					+ " closed; its connection was held until now and has been closed. Close every Response"
					+ " (try-with-resources)."
					+ ((origin == null) ? " Set leak-detection to paranoid to see where the request was sent." : "");
			if (origin != null) {
				LOG.log(System.Logger.Level.WARNING, message, origin);
			}
			else {
				LOG.log(System.Logger.Level.WARNING, message);
			}
		}

	}

}
