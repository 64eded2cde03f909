package dev.roundtrip.transport.testing;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One accepted connection of a {@link ScriptedServer} and the thread that serves it: read
 * a request, record it, run the handler, finish the request's body, repeat; until the
 * client closes (EOF), the handler closes, or the server shuts down.
 */
final class ServerConnection implements Runnable {

	final ScriptedServer server;

	final int id;

	final Socket socket;

	final int clientPort;

	final Input in;

	final OutputStream out;

	final Thread thread;

	private volatile int requestCount;

	private volatile boolean clientClosed;

	private volatile boolean serverClosed;

	private volatile boolean outputShutdown;

	ServerConnection(ScriptedServer server, int id, Socket socket) throws IOException {
		this.server = server;
		this.id = id;
		this.socket = socket;
		this.clientPort = socket.getPort();
		socket.setTcpNoDelay(true);
		this.in = new Input(socket.getInputStream());
		this.out = socket.getOutputStream();
		this.thread = new Thread(this, "scripted-server-" + server.port() + "-conn-" + id);
		this.thread.setDaemon(true);
	}

	void start() {
		this.thread.start();
	}

	ScriptedServer.ConnectionState state() {
		return new ScriptedServer.ConnectionState(this.id, this.clientPort, this.requestCount, this.clientClosed,
				this.serverClosed, this.outputShutdown);
	}

	boolean isOpen() {
		return !this.clientClosed && !this.serverClosed;
	}

	boolean isClientClosed() {
		return this.clientClosed;
	}

	boolean isServerClosed() {
		return this.serverClosed;
	}

	@Override
	public void run() {
		try {
			serve();
		}
		catch (EOFException | SocketException ex) {
			// EOF in the middle of a request, or a reset: the client went away.
			markClientClosed();
		}
		catch (IOException ex) {
			markClientClosed();
		}
		catch (ServerExchange.ServerShutdown ex) {
			// ScriptedServer.close()
		}
		catch (Throwable ex) {
			this.server.error(ex);
		}
		finally {
			ScriptedServer.closeQuietly(this.socket);
		}
	}

	private void serve() throws Exception {
		for (int index = 1; index <= ScriptedServer.MAX_REQUESTS_PER_CONNECTION; index++) {
			if (this.server.isClosed()) {
				return;
			}
			RecordedRequest request = readHead(index);
			if (request == null) {
				markClientClosed();
				return;
			}
			this.requestCount = index;
			ServerExchange exchange = new ServerExchange(this, request, bodyFraming(request));
			if (this.server.eagerBodies()) {
				exchange.body();
			}
			this.server.record(request);
			try {
				this.server.handler().handle(exchange);
			}
			catch (IOException ex) {
				if (this.serverClosed || this.server.isClosed()) {
					return;
				}
				// Writing to (or reading from) a client that went away.
				markClientClosed();
				return;
			}
			if (this.clientClosed || this.serverClosed) {
				return;
			}
			exchange.finishBody();
		}
		closeByServer();
	}

	/**
	 * Reads a request line and headers; {@code null} if the client closed cleanly before
	 * sending anything.
	 */
	private RecordedRequest readHead(int index) throws IOException {
		String requestLine;
		do {
			// Tolerate stray empty lines between requests (RFC 9112 section 2.2).
			requestLine = this.in.readLine(ScriptedServer.MAX_HEAD_BYTES);
			if (requestLine == null) {
				return null;
			}
		}
		while (requestLine.isEmpty());
		String[] parts = requestLine.split(" ", -1);
		if (parts.length != 3) {
			throw new IOException("Malformed request line on connection " + this.id + ": " + requestLine);
		}
		List<String[]> headers = new ArrayList<>();
		int headBytes = requestLine.length();
		while (true) {
			String line = this.in.readLine(ScriptedServer.MAX_HEAD_BYTES);
			if (line == null) {
				throw new EOFException("EOF in request head");
			}
			if (line.isEmpty()) {
				break;
			}
			headBytes += line.length() + 2;
			if (headBytes > ScriptedServer.MAX_HEAD_BYTES) {
				throw new IOException("Request head over " + ScriptedServer.MAX_HEAD_BYTES + " bytes");
			}
			int colon = line.indexOf(':');
			if (colon <= 0) {
				throw new IOException("Malformed header line on connection " + this.id + ": " + line);
			}
			headers.add(new String[] { line.substring(0, colon), line.substring(colon + 1).trim() });
		}
		return new RecordedRequest(this.server.nextRequestSequence(), this.id, index, parts[0], parts[1], parts[2],
				headers);
	}

	/** -2 for chunked, else the Content-Length (0 when absent). */
	private static long bodyFraming(RecordedRequest request) throws IOException {
		String transferEncoding = request.header("Transfer-Encoding");
		if (transferEncoding != null) {
			if (!transferEncoding.toLowerCase(Locale.ROOT).endsWith("chunked")) {
				throw new IOException("Unsupported Transfer-Encoding " + transferEncoding);
			}
			return -2;
		}
		String contentLength = request.header("Content-Length");
		if (contentLength == null) {
			return 0;
		}
		try {
			return Long.parseLong(contentLength.trim());
		}
		catch (NumberFormatException ex) {
			throw new IOException("Bad Content-Length " + contentLength);
		}
	}

	void markClientClosed() {
		if (!this.serverClosed) {
			this.clientClosed = true;
		}
	}

	/**
	 * Called on this connection's own thread (by the handler). The flag is set once the
	 * FIN is on its way, so a test that waits for it may act at once.
	 */
	void closeByServer() {
		ScriptedServer.closeQuietly(this.socket);
		this.serverClosed = true;
	}

	void shutdownOutput() throws IOException {
		this.socket.shutdownOutput();
		this.outputShutdown = true;
	}

	void closeForShutdown() {
		if (!this.clientClosed) {
			this.serverClosed = true;
		}
		ScriptedServer.closeQuietly(this.socket);
	}

	/**
	 * A read buffer over the socket that the server owns, so that bytes read while
	 * watching for the client's EOF are kept for the next request.
	 */
	static final class Input {

		private final InputStream in;

		private byte[] buf = new byte[16 * 1024];

		private int pos;

		private int limit;

		Input(InputStream in) {
			this.in = in;
		}

		int buffered() {
			return this.limit - this.pos;
		}

		/**
		 * Reads more bytes into the buffer; false on EOF. May throw
		 * SocketTimeoutException under a soTimeout.
		 */
		boolean fill() throws IOException {
			if (this.limit == this.buf.length) {
				if (this.pos > 0) {
					System.arraycopy(this.buf, this.pos, this.buf, 0, this.limit - this.pos);
					this.limit -= this.pos;
					this.pos = 0;
				}
				else {
					byte[] bigger = new byte[this.buf.length * 2];
					System.arraycopy(this.buf, 0, bigger, 0, this.limit);
					this.buf = bigger;
				}
			}
			int n = this.in.read(this.buf, this.limit, this.buf.length - this.limit);
			if (n < 0) {
				return false;
			}
			this.limit += n;
			return true;
		}

		/**
		 * A line without its CRLF (or LF); {@code null} on EOF before any byte;
		 * EOFException on EOF mid-line.
		 */
		String readLine(int maxBytes) throws IOException {
			int scanned = 0;
			while (true) {
				for (int i = this.pos + scanned; i < this.limit; i++) {
					if (this.buf[i] == '\n') {
						int end = (i > this.pos && this.buf[i - 1] == '\r') ? i - 1 : i;
						String line = new String(this.buf, this.pos, end - this.pos, StandardCharsets.ISO_8859_1);
						this.pos = i + 1;
						return line;
					}
				}
				scanned = this.limit - this.pos;
				if (scanned > maxBytes) {
					throw new IOException("Line longer than " + maxBytes + " bytes");
				}
				if (!fill()) {
					if (scanned == 0) {
						return null;
					}
					throw new EOFException("EOF in the middle of a line");
				}
			}
		}

		/** Reads up to {@code len} bytes; -1 on EOF. */
		int read(byte[] b, int off, int len) throws IOException {
			if (buffered() == 0) {
				if (len >= this.buf.length) {
					return this.in.read(b, off, len);
				}
				if (!fill()) {
					return -1;
				}
			}
			int n = Math.min(len, buffered());
			System.arraycopy(this.buf, this.pos, b, off, n);
			this.pos += n;
			return n;
		}

		/**
		 * Reads exactly {@code n} bytes, keeping at most {@code keep} of them in
		 * {@code sink}.
		 */
		void readExactly(long n, java.io.ByteArrayOutputStream sink, long keep) throws IOException {
			byte[] chunk = new byte[8192];
			long remaining = n;
			while (remaining > 0) {
				int r = read(chunk, 0, (int) Math.min(chunk.length, remaining));
				if (r < 0) {
					throw new EOFException("EOF with " + remaining + " body bytes to go");
				}
				if (sink.size() < keep) {
					sink.write(chunk, 0, (int) Math.min(r, keep - sink.size()));
				}
				remaining -= r;
			}
		}

	}

}
