package dev.roundtrip.transport.internal.conn;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

import dev.roundtrip.transport.TransportTimeoutException;
import dev.roundtrip.transport.TransportTimeoutException.Limit;

/**
 * A connection over a unix domain socket, dressed as the TCP {@link SocketChannel} the
 * rest of the connection code works with. The JDK's unix channels have no
 * {@link #socket()}, so no read timeout, and TLS needs a socket to layer on; this one
 * gives both.
 *
 * <p>
 * The real channel stays non-blocking; blocking reads and writes wait on a selector of
 * this connection's own (opened at the first wait), for at most the socket's
 * {@code SO_TIMEOUT} when reading. So a look at what the peer sent
 * ({@link Link#available}) never waits for a blocked writer, and {@link #close()} from
 * another thread wakes a blocked read or write at once, as closing a blocking TCP channel
 * does. Reads and writes come from the connection's owner, one at a time; only
 * {@code available} and {@code close} come from other threads.
 */
final class UnixChannel extends SocketChannel {

	private final SocketChannel channel;

	private final Path path;

	private final Link socket = new Link();

	/** Waits for a blocked read or write; {@code null} until the first. */
	private volatile Selector selector;

	private SelectionKey key;

	/** {@code SO_TIMEOUT}, for reads through {@link #socket()}. */
	private volatile int soTimeoutMillis;

	/** A byte {@link Link#available} read ahead; -1 for none. */
	private int readAhead = -1;

	private final Object readAheadLock = new Object();

	private volatile boolean blocking = true;

	private UnixChannel(SocketChannel channel, Path path) {
		super(channel.provider());
		this.channel = channel;
		this.path = path;
	}

	/**
	 * Connects to the socket file at {@code path}, without blocking, as Go does: a server
	 * whose backlog is full fails the dial at once ("Resource temporarily unavailable")
	 * rather than holding it. Should the connect be pending instead, it gets
	 * {@code timeoutMillis} (0: no limit) to finish.
	 */
	static UnixChannel connect(Path path, int timeoutMillis) throws IOException {
		SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
		try {
			channel.configureBlocking(false);
			if (!channel.connect(UnixDomainSocketAddress.of(path))) {
				finishConnect(channel, path, timeoutMillis);
			}
		}
		catch (IOException ex) {
			channel.close();
			if (ex instanceof TransportTimeoutException) {
				throw ex;
			}
			IOException failure = new IOException("Cannot connect to unix socket " + path + ": " + ex.getMessage());
			failure.initCause(ex);
			throw failure;
		}
		return new UnixChannel(channel, path);
	}

	private static void finishConnect(SocketChannel channel, Path path, int timeoutMillis) throws IOException {
		long deadline = (timeoutMillis > 0) ? System.nanoTime() + timeoutMillis * 1_000_000L : 0;
		try (Selector selector = Selector.open()) {
			channel.register(selector, SelectionKey.OP_CONNECT);
			while (!channel.finishConnect()) {
				long remaining = (deadline != 0) ? deadline - System.nanoTime() : 0;
				if (deadline != 0 && remaining <= 0) {
					throw new TransportTimeoutException(Limit.DIAL, "Connecting to unix socket " + path
							+ " timed out after " + timeoutMillis + " ms (" + Limit.DIAL.setting() + ")");
				}
				selector.select((deadline != 0) ? Math.max(1, remaining / 1_000_000L) : 0);
				selector.selectedKeys().clear();
			}
		}
		// Closing the selector deregistered the channel; reads and writes register it
		// again with a selector of the connection's own.
	}

	@Override
	public Link socket() {
		return this.socket;
	}

	@Override
	public int read(ByteBuffer dst) throws IOException {
		return read(dst, 0);
	}

	/** Reads at least one byte, waiting up to {@code timeoutMillis} (0 for no limit). */
	private int read(ByteBuffer dst, int timeoutMillis) throws IOException {
		if (!dst.hasRemaining()) {
			return 0;
		}
		synchronized (this.readAheadLock) {
			if (this.readAhead >= 0) {
				dst.put((byte) this.readAhead);
				this.readAhead = -1;
				return 1;
			}
		}
		long deadline = (timeoutMillis > 0) ? System.nanoTime() + timeoutMillis * 1_000_000L : 0;
		for (;;) {
			int n = this.channel.read(dst);
			if (n != 0 || !this.blocking) {
				return n;
			}
			await(SelectionKey.OP_READ, deadline);
		}
	}

	@Override
	public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
		Objects.checkFromIndexSize(offset, length, dsts.length);
		for (int i = offset; i < offset + length; i++) {
			if (dsts[i].hasRemaining()) {
				return read(dsts[i]);
			}
		}
		return 0;
	}

	@Override
	public int write(ByteBuffer src) throws IOException {
		for (;;) {
			int n = this.channel.write(src);
			if (n > 0 || !this.blocking || !src.hasRemaining()) {
				return n;
			}
			await(SelectionKey.OP_WRITE, 0);
		}
	}

	@Override
	public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
		Objects.checkFromIndexSize(offset, length, srcs.length);
		for (int i = offset; i < offset + length; i++) {
			if (srcs[i].hasRemaining()) {
				return write(srcs[i]);
			}
		}
		return 0;
	}

	/** Waits until the channel is ready for {@code ops}, closed, or past the deadline. */
	private void await(int ops, long deadline) throws IOException {
		long waitMillis = 0;
		if (deadline != 0) {
			long remaining = deadline - System.nanoTime();
			if (remaining <= 0) {
				throw new SocketTimeoutException("Read timed out");
			}
			waitMillis = Math.max(1, remaining / 1_000_000L);
		}
		try {
			Selector selector = selector();
			this.key.interestOps(ops);
			selector.select(waitMillis);
			selector.selectedKeys().clear();
		}
		catch (ClosedSelectorException | CancelledKeyException ex) {
			// close() from another thread.
			throw new AsynchronousCloseException();
		}
		if (Thread.currentThread().isInterrupted()) {
			// As a blocking channel does on interrupt.
			close();
			throw new ClosedByInterruptException();
		}
		if (!this.channel.isOpen()) {
			throw new AsynchronousCloseException();
		}
	}

	private Selector selector() throws IOException {
		Selector selector = this.selector;
		if (selector == null) {
			selector = Selector.open();
			this.key = this.channel.register(selector, 0);
			this.selector = selector;
			if (!this.channel.isOpen()) {
				// Closed while opening: close() may not have seen the selector.
				selector.close();
				throw new AsynchronousCloseException();
			}
		}
		return selector;
	}

	/** The selector blocked reads and writes wait on; {@code null} until the first. */
	Selector selectorForTests() {
		return this.selector;
	}

	@Override
	protected void implCloseSelectableChannel() throws IOException {
		try {
			this.channel.close();
		}
		finally {
			Selector selector = this.selector;
			if (selector != null) {
				// Wakes a blocked read or write, which then sees the channel closed.
				selector.close();
			}
		}
	}

	@Override
	protected void implConfigureBlocking(boolean block) {
		this.blocking = block;
	}

	@Override
	public SocketChannel bind(SocketAddress local) {
		throw new UnsupportedOperationException("Already connected");
	}

	@Override
	public <T> SocketChannel setOption(SocketOption<T> name, T value) throws IOException {
		this.channel.setOption(name, value);
		return this;
	}

	@Override
	public <T> T getOption(SocketOption<T> name) throws IOException {
		return this.channel.getOption(name);
	}

	@Override
	public Set<SocketOption<?>> supportedOptions() {
		return this.channel.supportedOptions();
	}

	@Override
	public SocketChannel shutdownInput() throws IOException {
		this.channel.shutdownInput();
		return this;
	}

	@Override
	public SocketChannel shutdownOutput() throws IOException {
		this.channel.shutdownOutput();
		return this;
	}

	@Override
	public boolean isConnected() {
		return this.channel.isConnected();
	}

	@Override
	public boolean isConnectionPending() {
		return false;
	}

	@Override
	public boolean connect(SocketAddress remote) {
		throw new UnsupportedOperationException("Already connected");
	}

	@Override
	public boolean finishConnect() {
		return true;
	}

	/**
	 * {@code null}: a unix socket has no IP address; the path is in {@link #toString()}.
	 */
	@Override
	public SocketAddress getRemoteAddress() {
		return null;
	}

	@Override
	public SocketAddress getLocalAddress() {
		return null;
	}

	@Override
	public String toString() {
		return "unix socket " + this.path;
	}

	/**
	 * The connection as a {@link Socket}: streams whose reads honour
	 * {@link #setSoTimeout}, for the exchange's time limits and for TLS to layer on.
	 * Socket options that only TCP has are accepted and ignored.
	 */
	final class Link extends java.net.Socket {

		private final InputStream in = new InputStream() {

			@Override
			public int read() throws IOException {
				byte[] one = new byte[1];
				return (read(one, 0, 1) == 1) ? one[0] & 0xff : -1;
			}

			@Override
			public int read(byte[] b, int off, int len) throws IOException {
				Objects.checkFromIndexSize(off, len, b.length);
				return (len == 0) ? 0
						: UnixChannel.this.read(ByteBuffer.wrap(b, off, len), UnixChannel.this.soTimeoutMillis);
			}

			@Override
			public int available() throws IOException {
				return Link.this.available();
			}

		};

		private final OutputStream out = new OutputStream() {

			@Override
			public void write(int b) throws IOException {
				write(new byte[] { (byte) b }, 0, 1);
			}

			@Override
			public void write(byte[] b, int off, int len) throws IOException {
				Objects.checkFromIndexSize(off, len, b.length);
				ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
				while (buffer.hasRemaining()) {
					UnixChannel.this.write(buffer);
				}
			}

		};

		/**
		 * 1 if the peer has sent a byte not yet read, else 0; never waits. A unix channel
		 * cannot say how many bytes it holds, so this reads one ahead, which the next
		 * read returns. The end of the stream counts as nothing to read: the next read
		 * finds it.
		 */
		int available() throws IOException {
			synchronized (UnixChannel.this.readAheadLock) {
				if (UnixChannel.this.readAhead >= 0) {
					return 1;
				}
				ByteBuffer one = ByteBuffer.allocate(1);
				if (UnixChannel.this.channel.read(one) == 1) {
					UnixChannel.this.readAhead = one.get(0) & 0xff;
					return 1;
				}
				return 0;
			}
		}

		@Override
		public InputStream getInputStream() throws IOException {
			checkOpen();
			return this.in;
		}

		@Override
		public OutputStream getOutputStream() throws IOException {
			checkOpen();
			return this.out;
		}

		private void checkOpen() throws SocketException {
			if (!UnixChannel.this.isOpen()) {
				throw new SocketException("Socket is closed");
			}
		}

		@Override
		public void setSoTimeout(int timeout) throws SocketException {
			if (timeout < 0) {
				throw new IllegalArgumentException("timeout < 0");
			}
			UnixChannel.this.soTimeoutMillis = timeout;
		}

		@Override
		public int getSoTimeout() {
			return UnixChannel.this.soTimeoutMillis;
		}

		@Override
		public boolean isConnected() {
			return true;
		}

		@Override
		public boolean isBound() {
			return true;
		}

		@Override
		public boolean isClosed() {
			return !UnixChannel.this.isOpen();
		}

		@Override
		public void close() throws IOException {
			UnixChannel.this.close();
		}

		@Override
		public void shutdownInput() throws IOException {
			UnixChannel.this.shutdownInput();
		}

		@Override
		public void shutdownOutput() throws IOException {
			UnixChannel.this.shutdownOutput();
		}

		@Override
		public boolean isInputShutdown() {
			return false;
		}

		@Override
		public boolean isOutputShutdown() {
			return false;
		}

		@Override
		public SocketAddress getRemoteSocketAddress() {
			return null;
		}

		@Override
		public SocketAddress getLocalSocketAddress() {
			return null;
		}

		@Override
		public java.net.InetAddress getInetAddress() {
			return null;
		}

		@Override
		public int getPort() {
			return 0;
		}

		@Override
		public int getLocalPort() {
			return -1;
		}

		// TCP's options mean nothing here; accepting them keeps TLS and callers that set
		// them working.
		@Override
		public void setTcpNoDelay(boolean on) {
		}

		@Override
		public boolean getTcpNoDelay() {
			return true;
		}

		@Override
		public void setKeepAlive(boolean on) {
		}

		@Override
		public boolean getKeepAlive() {
			return false;
		}

		@Override
		public void setSoLinger(boolean on, int linger) {
		}

		@Override
		public int getSoLinger() {
			return -1;
		}

		@Override
		public void setOOBInline(boolean on) {
		}

		@Override
		public boolean getOOBInline() {
			return false;
		}

		@Override
		public void sendUrgentData(int data) throws IOException {
			throw new SocketException("Urgent data is not supported on a unix socket");
		}

		// What follows would otherwise create the TCP socket java.net.Socket holds
		// unused.
		@Override
		public java.net.InetAddress getLocalAddress() {
			return null;
		}

		@Override
		public void connect(SocketAddress endpoint) throws IOException {
			throw new SocketException("Already connected");
		}

		@Override
		public void connect(SocketAddress endpoint, int timeout) throws IOException {
			throw new SocketException("Already connected");
		}

		@Override
		public void bind(SocketAddress bindpoint) throws IOException {
			throw new SocketException("Already bound");
		}

		@Override
		public void setSendBufferSize(int size) {
		}

		@Override
		public int getSendBufferSize() throws SocketException {
			return getBufferSize(java.net.StandardSocketOptions.SO_SNDBUF);
		}

		@Override
		public void setReceiveBufferSize(int size) {
		}

		@Override
		public int getReceiveBufferSize() throws SocketException {
			return getBufferSize(java.net.StandardSocketOptions.SO_RCVBUF);
		}

		private int getBufferSize(SocketOption<Integer> option) throws SocketException {
			try {
				return UnixChannel.this.channel.getOption(option);
			}
			catch (IOException ex) {
				throw new SocketException(ex.getMessage());
			}
		}

		@Override
		public void setTrafficClass(int tc) {
		}

		@Override
		public int getTrafficClass() {
			return 0;
		}

		@Override
		public void setReuseAddress(boolean on) {
		}

		@Override
		public boolean getReuseAddress() {
			return false;
		}

		@Override
		public <T> java.net.Socket setOption(SocketOption<T> name, T value) throws IOException {
			UnixChannel.this.channel.setOption(name, value);
			return this;
		}

		@Override
		public <T> T getOption(SocketOption<T> name) throws IOException {
			return UnixChannel.this.channel.getOption(name);
		}

		@Override
		public Set<SocketOption<?>> supportedOptions() {
			return UnixChannel.this.channel.supportedOptions();
		}

		@Override
		public String toString() {
			return UnixChannel.this.toString();
		}

	}

}
