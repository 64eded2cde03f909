package dev.roundtrip.benchmarks;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The floor: one socket per thread, the request encoded once, and the response parsed
 * just enough to find its end (Content-Length or chunked framing). No pool, no header
 * objects, no error handling beyond failing.
 */
final class RawClient implements Clients.BenchClient {

	private final Target target;

	private final URI uri;

	private final byte[] request;

	private final ThreadLocal<Exchange> exchanges = new ThreadLocal<>();

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	RawClient(Target target, Shape shape) {
		this.target = target;
		this.uri = target.uri(shape);
		String head = shape.method() + " " + this.uri.getRawPath() + " HTTP/1.1\r\nHost: " + this.uri.getHost() + ":"
				+ this.uri.getPort() + "\r\n"
				+ ((shape.requestBytes() > 0) ? "Content-Length: " + shape.requestBytes() + "\r\n" : "") + "\r\n";
		byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
		byte[] body = shape.requestBody();
		this.request = new byte[headBytes.length + body.length];
		System.arraycopy(headBytes, 0, this.request, 0, headBytes.length);
		System.arraycopy(body, 0, this.request, headBytes.length, body.length);
	}

	@Override
	public long exchange() throws IOException {
		Exchange exchange = this.exchanges.get();
		if (exchange == null) {
			exchange = new Exchange(connect());
			this.exchanges.set(exchange);
		}
		return exchange.send(this.request);
	}

	private Socket connect() throws IOException {
		Socket socket;
		if (this.uri.getScheme().equals("https")) {
			SSLSocket tls = (SSLSocket) this.target.sslContext()
				.getSocketFactory()
				.createSocket(this.uri.getHost(), this.uri.getPort());
			SSLParameters parameters = tls.getSSLParameters();
			parameters.setEndpointIdentificationAlgorithm("HTTPS");
			tls.setSSLParameters(parameters);
			tls.startHandshake();
			socket = tls;
		}
		else {
			socket = new Socket(this.uri.getHost(), this.uri.getPort());
		}
		socket.setTcpNoDelay(true);
		this.sockets.add(socket);
		return socket;
	}

	@Override
	public void close() throws IOException {
		for (Socket socket : this.sockets) {
			socket.close();
		}
	}

	/** One thread's connection and its read buffer. */
	private static final class Exchange {

		private final InputStream in;

		private final OutputStream out;

		private final byte[] buffer = new byte[65536];

		private int pos;

		private int limit;

		Exchange(Socket socket) throws IOException {
			this.in = socket.getInputStream();
			this.out = socket.getOutputStream();
		}

		long send(byte[] request) throws IOException {
			this.out.write(request);
			this.out.flush();
			int headEnd = headEnd();
			long length = -1;
			boolean chunked = false;
			int line = this.pos;
			for (int i = this.pos; i < headEnd - 1; i++) {
				if (this.buffer[i] == '\r' && this.buffer[i + 1] == '\n') {
					String field = new String(this.buffer, line, i - line, StandardCharsets.ISO_8859_1);
					String lower = field.toLowerCase(Locale.ROOT);
					if (lower.startsWith("content-length:")) {
						length = Long.parseLong(field.substring(15).trim());
					}
					else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
						chunked = true;
					}
					line = i + 2;
				}
			}
			this.pos = headEnd;
			if (!chunked) {
				skip(Math.max(length, 0));
				return Math.max(length, 0);
			}
			long total = 0;
			while (true) {
				String size = readLine();
				int semicolon = size.indexOf(';');
				long chunk = Long.parseLong((semicolon < 0) ? size : size.substring(0, semicolon), 16);
				if (chunk == 0) {
					while (!readLine().isEmpty()) {
						// trailer fields are skipped
					}
					return total;
				}
				skip(chunk);
				readLine();
				total += chunk;
			}
		}

		/** Reads until the blank line; returns the index just after it. */
		private int headEnd() throws IOException {
			int from = this.pos;
			while (true) {
				for (int i = Math.max(from, this.pos + 3); i < this.limit; i++) {
					if (this.buffer[i] == '\n' && this.buffer[i - 1] == '\r' && this.buffer[i - 2] == '\n'
							&& this.buffer[i - 3] == '\r') {
						return i + 1;
					}
				}
				from = this.limit;
				int shift = this.pos;
				fill();
				from -= shift;
			}
		}

		private String readLine() throws IOException {
			while (true) {
				for (int i = this.pos; i < this.limit - 1; i++) {
					if (this.buffer[i] == '\r' && this.buffer[i + 1] == '\n') {
						String line = new String(this.buffer, this.pos, i - this.pos, StandardCharsets.ISO_8859_1);
						this.pos = i + 2;
						return line;
					}
				}
				fill();
			}
		}

		private void skip(long bytes) throws IOException {
			long left = bytes;
			while (left > 0) {
				if (this.pos == this.limit) {
					this.pos = 0;
					this.limit = 0;
					fill();
				}
				int n = (int) Math.min(left, this.limit - this.pos);
				this.pos += n;
				left -= n;
			}
		}

		/** Compacts the buffer and reads more; fails at end of stream. */
		private void fill() throws IOException {
			if (this.pos > 0) {
				System.arraycopy(this.buffer, this.pos, this.buffer, 0, this.limit - this.pos);
				this.limit -= this.pos;
				this.pos = 0;
			}
			int n = this.in.read(this.buffer, this.limit, this.buffer.length - this.limit);
			if (n < 0) {
				throw new EOFException("nginx closed the connection");
			}
			this.limit += n;
		}

	}

}
