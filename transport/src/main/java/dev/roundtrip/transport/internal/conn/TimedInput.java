package dev.roundtrip.transport.internal.conn;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

import dev.roundtrip.transport.TransportTimeoutException;
import dev.roundtrip.transport.TransportTimeoutException.Limit;

/**
 * The socket's input with the exchange's time limits applied to each read: the read
 * timeout, and the deadlines of the response headers and of the whole call. Before each
 * read the socket's timeout is set to whichever limit is nearest, so a timeout says which
 * limit fired. Owned by the connection's owner; one per connection.
 */
public final class TimedInput extends InputStream {

	private final InputStream in;

	private final Socket socket;

	private final String peer;

	private int soTimeoutMillis = -1;

	/** For single-byte reads, which should not allocate. */
	private final byte[] one = new byte[1];

	private int readTimeoutMillis;

	private long headerDeadlineNanos;

	private long headerTimeoutMillis;

	private long callDeadlineNanos;

	private long callTimeoutMillis;

	TimedInput(InputStream in, Socket socket, String peer) {
		this.in = in;
		this.socket = socket;
		this.peer = peer;
	}

	/** Limits each read to {@code millis}; 0 for none. */
	public void readTimeout(int millis) {
		this.readTimeoutMillis = millis;
	}

	/**
	 * Limits the reads until the response headers to {@code millis} in total from now; 0
	 * clears it.
	 */
	public void responseHeaderTimeout(long millis) {
		this.headerTimeoutMillis = millis;
		this.headerDeadlineNanos = (millis > 0) ? System.nanoTime() + millis * 1_000_000L : 0;
	}

	/** Limits reads to the call's deadline ({@link System#nanoTime()}), 0 for none. */
	public void callDeadline(long deadlineNanos, long timeoutMillis) {
		this.callDeadlineNanos = deadlineNanos;
		this.callTimeoutMillis = timeoutMillis;
	}

	/** Clears every limit: the connection goes back to the pool. */
	public void reset() {
		this.readTimeoutMillis = 0;
		this.headerDeadlineNanos = 0;
		this.callDeadlineNanos = 0;
	}

	@Override
	public int read() throws IOException {
		int n = read(this.one, 0, 1);
		return (n == 1) ? this.one[0] & 0xff : -1;
	}

	@Override
	public int read(byte[] b, int off, int len) throws IOException {
		int timeout = this.readTimeoutMillis;
		Limit limit = Limit.READ;
		long configured = timeout;
		if (this.headerDeadlineNanos != 0 || this.callDeadlineNanos != 0) {
			long now = System.nanoTime();
			if (this.headerDeadlineNanos != 0) {
				int ms = remainingMillis(this.headerDeadlineNanos, now, Limit.RESPONSE_HEADER,
						this.headerTimeoutMillis);
				if (timeout == 0 || ms < timeout) {
					timeout = ms;
					limit = Limit.RESPONSE_HEADER;
					configured = this.headerTimeoutMillis;
				}
			}
			if (this.callDeadlineNanos != 0) {
				int ms = remainingMillis(this.callDeadlineNanos, now, Limit.CALL, this.callTimeoutMillis);
				if (timeout == 0 || ms < timeout) {
					timeout = ms;
					limit = Limit.CALL;
					configured = this.callTimeoutMillis;
				}
			}
		}
		if (timeout != this.soTimeoutMillis) {
			this.socket.setSoTimeout(timeout);
			this.soTimeoutMillis = timeout;
		}
		try {
			return this.in.read(b, off, len);
		}
		catch (SocketTimeoutException ex) {
			throw timeout(limit, configured);
		}
	}

	private int remainingMillis(long deadline, long now, Limit limit, long configured) throws IOException {
		long remaining = deadline - now;
		if (remaining <= 0) {
			throw timeout(limit, configured);
		}
		return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (remaining + 999_999) / 1_000_000));
	}

	private TransportTimeoutException timeout(Limit limit, long configuredMillis) {
		String what = switch (limit) {
			case RESPONSE_HEADER ->
				"No response headers from " + this.peer + " within " + configuredMillis + " ms of sending the request";
			case CALL -> "Request timeout of " + configuredMillis + " ms expired reading from " + this.peer;
			default -> "Read from " + this.peer + " timed out after " + configuredMillis + " ms";
		};
		return new TransportTimeoutException(limit, what + " (" + limit.setting() + ")");
	}

	@Override
	public int available() throws IOException {
		return this.in.available();
	}

	@Override
	public void close() throws IOException {
		this.in.close();
	}

}
