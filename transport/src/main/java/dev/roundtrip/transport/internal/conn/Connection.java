package dev.roundtrip.transport.internal.conn;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

import dev.roundtrip.transport.Destination;
import dev.roundtrip.transport.internal.http1.Http1Sink;
import dev.roundtrip.transport.internal.http1.Http1Source;
import dev.roundtrip.transport.internal.pool.Pooled;

/**
 * One persistent HTTP/1.1 connection: the socket (TLS or not), its buffers, kept for the
 * connection's life, and who is using it.
 *
 * <p>
 * Lifecycle:
 * <ol>
 * <li>Dialed by {@link Dialer}: TCP connected, TLS handshake done.</li>
 * <li>Owned by one exchange at a time ({@link #claim}); the owner alone reads and
 * writes.</li>
 * <li>Released by its owner to the pool ({@link #disown}), or aborted by a cancel from
 * another thread ({@link #abort}); whichever comes first wins, so a cancel arriving late
 * never closes a connection another exchange now owns.</li>
 * <li>Closed once; later closes do nothing.</li>
 * </ol>
 */
public final class Connection extends Pooled {

	private static final VarHandle OWNER;

	static {
		try {
			OWNER = MethodHandles.lookup().findVarHandle(Connection.class, "owner", Object.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	/** Marks a connection whose owner's cancel has claimed it for closing. */
	private static final Object ABORTED = new Object();

	/**
	 * How long a connection may have been idle and still be given the quick look of
	 * {@link #isReusable(long, boolean)}: far shorter than servers' keep-alive timeouts
	 * (seconds; a few hundred milliseconds at the very least), so a close within it is
	 * rare, and then retried. Under load connections are idle for microseconds, which is
	 * where the probe's cost shows.
	 */
	static final long QUICK_LOOK_MAX_IDLE_NANOS = 100_000_000L;

	private final long id;

	private final Destination destination;

	private final SocketChannel channel;

	/**
	 * The socket exchanges read and write: the TLS socket for https, else the channel's.
	 */
	private final Socket socket;

	private final long createdAtNanos;

	private final TimedInput input;

	private final Http1Source source;

	private final Http1Sink sink;

	/** The write side of a plain connection; null over TLS. */
	private final ChannelOutput channelOutput;

	private final InetSocketAddress localAddress;

	private final InetSocketAddress remoteAddress;

	private final String tlsProtocol;

	private final String cipherSuite;

	/** The exchange using this connection, {@link #ABORTED}, or null while pooled. */
	private volatile Object owner;

	/** Exchanges carried; written by the owner, read by the pool and stats. */
	private volatile long requestCount;

	/**
	 * From the last response's {@code Keep-Alive} header; written by the owner before
	 * release.
	 */
	private volatile long serverIdleTimeoutNanos = -1;

	private volatile long serverMaxRequests = -1;

	private volatile boolean closed;

	/** How long the TLS handshake took; -1 for plain HTTP. Set by the dialer. */
	volatile long tlsHandshakeNanos = -1;

	private final ByteBuffer probe = ByteBuffer.allocate(1);

	/**
	 * The raw channel's stream, for {@code available()}; the channel makes a new one on
	 * every call.
	 */
	private final InputStream rawInput;

	Connection(long id, Destination destination, SocketChannel channel, Socket socket, long createdAtNanos,
			int readBufferSize, int writeBufferSize) throws IOException {
		this.id = id;
		this.destination = destination;
		this.channel = channel;
		this.socket = socket;
		this.createdAtNanos = createdAtNanos;
		this.localAddress = (InetSocketAddress) channel.getLocalAddress();
		this.remoteAddress = (InetSocketAddress) channel.getRemoteAddress();
		this.input = new TimedInput(socket.getInputStream(), socket, destination.toString());
		this.rawInput = channel.socket().getInputStream();
		// Plain: straight to the channel, which counts what a failed write sent. TLS: the
		// TLS socket, where a failed write counts in full.
		this.channelOutput = (socket instanceof SSLSocket) ? null : new ChannelOutput(channel);
		OutputStream out = (this.channelOutput != null) ? this.channelOutput : socket.getOutputStream();
		this.source = new Http1Source(this.input, readBufferSize);
		this.sink = new Http1Sink(out, writeBufferSize);
		if (socket instanceof SSLSocket ssl) {
			SSLSession session = ssl.getSession();
			this.tlsProtocol = session.getProtocol();
			this.cipherSuite = session.getCipherSuite();
		}
		else {
			this.tlsProtocol = null;
			this.cipherSuite = null;
		}
	}

	public Http1Source source() {
		return this.source;
	}

	public Http1Sink sink() {
		return this.sink;
	}

	/**
	 * Makes {@code exchange} the owner of this connection, which it got from the pool,
	 * and counts the request.
	 */
	public void claim(Object exchange) {
		this.owner = exchange;
		this.requestCount++;
	}

	/**
	 * The owner gives the connection up, to the pool or to be closed. False if a cancel
	 * got there first: the connection must then be closed, not pooled.
	 */
	public boolean disown(Object exchange) {
		return OWNER.compareAndSet(this, exchange, null);
	}

	/**
	 * Closes the raw channel if {@code exchange} still owns the connection: a cancel from
	 * another thread (the caller's, or the deadline thread's, which must never block).
	 * Blocked reads and writes of the owner then fail, TLS or not. The owner still
	 * releases the connection, which the pool then closes.
	 */
	public boolean abort(Object exchange) {
		if (OWNER.compareAndSet(this, exchange, ABORTED)) {
			closeChannel();
			return true;
		}
		return false;
	}

	/**
	 * Whether the server has sent bytes that wait unread while the owner's write of this
	 * plain connection has stopped moving: the server answered early (a 401 or 413) and
	 * stopped reading. {@code lastSent} is what {@link #bytesSent()} said at the previous
	 * look. Any thread. Always false over TLS, whose records the server may send unasked
	 * (session tickets) and whose socket the JDK closes on a failed write, losing the
	 * answer anyway.
	 */
	public boolean answeredWhileWriteStalled(long lastSent) {
		if (this.channelOutput == null || this.closed || this.channelOutput.sent() != lastSent) {
			return false;
		}
		try {
			return rawReadable();
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** Bytes the socket took so far from the owner's writes; -1 over TLS. */
	public long bytesSent() {
		return (this.channelOutput != null) ? this.channelOutput.sent() : -1;
	}

	/**
	 * Ends the owner's blocked write without touching the read side, so that the early
	 * answer can still be read. Any thread; never blocks.
	 */
	public void stopWriting() {
		try {
			this.channel.shutdownOutput();
		}
		catch (IOException ex) {
			// Closed meanwhile: the write fails either way.
		}
	}

	/** Whether the owner's connection was aborted by a cancel. */
	public boolean isAborted() {
		return this.owner == ABORTED;
	}

	/** The time limits on reads. Owner only. */
	public TimedInput timing() {
		return this.input;
	}

	/**
	 * Records a response's {@code Keep-Alive} header for the pool; -1 where a parameter
	 * is absent. Owner only. The latest {@code timeout} applies. {@code max} counts the
	 * requests allowed from this one on: servers either repeat one total (the first
	 * response then sets the limit) or count down (Apache), so the limit is the smallest
	 * total any response implied.
	 */
	public void serverKeepAlive(long idleTimeoutNanos, long maxRequests) {
		if (idleTimeoutNanos >= 0) {
			this.serverIdleTimeoutNanos = idleTimeoutNanos;
		}
		if (maxRequests >= 0) {
			long limit = this.requestCount - 1 + maxRequests;
			long current = this.serverMaxRequests;
			this.serverMaxRequests = (current < 0) ? limit : Math.min(current, limit);
		}
	}

	/**
	 * Whether this idle connection can carry a request: nothing is buffered or readable
	 * (the server sent nothing unasked, such as a 408) and the server has not closed it.
	 * Go learns this from its per-connection read loop; we look once, without blocking,
	 * when the connection leaves the idle stack.
	 */
	@Override
	protected boolean isReusable() {
		return look(false);
	}

	/**
	 * {@link #isReusable()}, but for a request that would be sent again on a fresh
	 * connection should this one turn out closed (see {@code Exchange.Retry}), taking a
	 * connection idle for less than {@link #QUICK_LOOK_MAX_IDLE_NANOS}: then one look at
	 * what the kernel holds (FIONREAD) stands in for the non-blocking read, which costs
	 * three system calls. It still catches a server that sent something unasked (a 408);
	 * a server that closed the connection without a word is left to the retry, as Go's
	 * transport does for every request. Requests that could not be retried (a POST
	 * without an {@code Idempotency-Key}) and connections idle longer get the full look.
	 */
	@Override
	protected boolean isReusable(long idleNanos, boolean staleRetriable) {
		return look(staleRetriable && idleNanos < QUICK_LOOK_MAX_IDLE_NANOS);
	}

	/**
	 * The look before reuse: {@code quick} stops at what the kernel holds, otherwise a
	 * non-blocking read also finds a close that sent nothing.
	 */
	private boolean look(boolean quick) {
		if (this.closed || this.source.buffered() > 0) {
			return false;
		}
		try {
			if (this.socket instanceof SSLSocket ssl) {
				if (ssl.getInputStream().available() > 0) {
					// Decrypted bytes are waiting: the server sent something unasked.
					return false;
				}
				if (rawReadable()) {
					// TLS records arrived while idle: a close_notify, or a late session
					// ticket. Let the TLS layer read them, waiting no longer than a
					// millisecond.
					return probeTls(ssl);
				}
				return quick || probePlain();
			}
			return quick ? !rawReadable() : probePlain();
		}
		catch (IOException ex) {
			return false;
		}
	}

	private boolean rawReadable() throws IOException {
		// available() on the channel's socket reports bytes the kernel holds (FIONREAD).
		return this.rawInput.available() > 0;
	}

	/** A non-blocking read of the raw channel: 0 bytes means open and quiet. */
	private boolean probePlain() throws IOException {
		this.probe.clear();
		this.channel.configureBlocking(false);
		int read;
		try {
			read = this.channel.read(this.probe);
		}
		finally {
			this.channel.configureBlocking(true);
		}
		return read == 0;
	}

	private boolean probeTls(SSLSocket ssl) throws IOException {
		int previous = ssl.getSoTimeout();
		ssl.setSoTimeout(1);
		try {
			// TimedInput remembers the socket's timeout; this restores it below.
			// Whatever this reads, a byte or the end, the connection is not reusable.
			ssl.getInputStream().read();
			return false;
		}
		catch (SocketTimeoutException ex) {
			return true;
		}
		finally {
			ssl.setSoTimeout(previous);
		}
	}

	/**
	 * Closes the connection. An idle or released TLS connection says goodbye with
	 * close_notify; one still owned, or aborted, is closed under its owner's feet: only
	 * the raw channel, which never blocks and makes the owner's blocked read or write
	 * fail. {@code SSLSocket.close()} would send close_notify and so wait for the output
	 * lock a blocked writer holds: Go's {@code tls.Conn.Close} skips close_notify when a
	 * write is in flight for the same reason.
	 */
	@Override
	protected void closeSocket() {
		if (this.owner != null || !(this.socket instanceof SSLSocket)) {
			closeChannel();
			return;
		}
		if (this.closed) {
			return;
		}
		this.closed = true;
		try {
			this.socket.close();
		}
		catch (IOException | RuntimeException ex) {
			// Closing is best effort; the channel is closed below either way.
		}
		closeQuietly();
	}

	private void closeChannel() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		closeQuietly();
	}

	private void closeQuietly() {
		try {
			this.channel.close();
		}
		catch (IOException | RuntimeException ex) {
			// The descriptor is released either way.
		}
	}

	public boolean isClosed() {
		return this.closed;
	}

	@Override
	protected long serverIdleTimeoutNanos() {
		return this.serverIdleTimeoutNanos;
	}

	@Override
	protected long serverMaxRequests() {
		return this.serverMaxRequests;
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
		return this.localAddress;
	}

	@Override
	public InetSocketAddress remoteAddress() {
		return this.remoteAddress;
	}

	@Override
	public long createdAtNanos() {
		return this.createdAtNanos;
	}

	@Override
	public long requestCount() {
		return this.requestCount;
	}

	@Override
	public String tlsProtocol() {
		return this.tlsProtocol;
	}

	@Override
	public long tlsHandshakeNanos() {
		return this.tlsHandshakeNanos;
	}

	@Override
	public String cipherSuite() {
		return this.cipherSuite;
	}

	@Override
	public String toString() {
		return "connection #" + this.id + " to " + this.destination + " (local port "
				+ ((this.localAddress != null) ? this.localAddress.getPort() : "?") + ")";
	}

}
