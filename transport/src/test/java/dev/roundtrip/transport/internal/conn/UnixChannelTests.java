package dev.roundtrip.transport.internal.conn;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link UnixChannel} against the JDK's own unix server channel: the socket behaviours
 * the connection code relies on.
 */
class UnixChannelTests {

	private Path directory;

	private ServerSocketChannel server;

	private UnixChannel client;

	private SocketChannel peer;

	@BeforeEach
	void connect() throws IOException {
		this.directory = Files.createTempDirectory("roundtrip-unix-channel");
		Path file = this.directory.resolve("s.sock");
		this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		this.server.bind(UnixDomainSocketAddress.of(file));
		this.client = UnixChannel.connect(file, 1000);
		this.peer = this.server.accept();
	}

	@AfterEach
	void close() throws IOException {
		this.client.close();
		this.peer.close();
		this.server.close();
		Files.deleteIfExists(this.directory.resolve("s.sock"));
		Files.deleteIfExists(this.directory);
	}

	@Test
	void aReadTimeoutLeavesTheConnectionUsable() throws IOException {
		// Expect: 100-continue waits with a short timeout and then reads on.
		InputStream in = this.client.socket().getInputStream();
		this.client.socket().setSoTimeout(50);
		assertThatThrownBy(in::read).isInstanceOf(SocketTimeoutException.class);
		this.peer.write(ByteBuffer.wrap(new byte[] { 'x' }));
		assertThat(in.read()).isEqualTo('x');
	}

	@Test
	void availableReadsOneAheadWithoutLosingIt() throws IOException {
		assertThat(this.client.socket().available()).isZero();
		this.peer.write(ByteBuffer.wrap(new byte[] { 'a', 'b' }));
		awaitAvailable();
		byte[] read = new byte[2];
		InputStream in = this.client.socket().getInputStream();
		this.client.socket().setSoTimeout(1000);
		int n = in.read(read, 0, 2);
		if (n == 1) {
			n += in.read(read, 1, 1);
		}
		assertThat(n).isEqualTo(2);
		assertThat(read).containsExactly('a', 'b');
	}

	@Test
	void closeFromAnotherThreadWakesABlockedReadAndReleasesTheSelector() throws Exception {
		CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
			try {
				this.client.socket().getInputStream().read();
				return null;
			}
			catch (IOException ex) {
				return ex;
			}
		});
		// The peer never writes or closes: only close() can end the read.
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (this.client.selectorForTests() == null && !reader.isDone() && System.nanoTime() < deadline) {
			Thread.onSpinWait();
		}
		assertThat(this.client.selectorForTests()).as("the read is waiting").isNotNull();
		this.client.close();
		assertThat(reader.get(5, TimeUnit.SECONDS)).isInstanceOf(AsynchronousCloseException.class);
		assertThat(this.client.selectorForTests().isOpen()).isFalse();
	}

	@Test
	void theEndOfTheStreamIsSeenByANonBlockingRead() throws IOException {
		this.peer.close();
		this.client.configureBlocking(false);
		ByteBuffer one = ByteBuffer.allocate(1);
		int read = 0;
		for (int i = 0; i < 1000 && read == 0; i++) {
			read = this.client.read(one);
		}
		assertThat(read).isEqualTo(-1);
	}

	private void awaitAvailable() throws IOException {
		for (int i = 0; i < 1000; i++) {
			if (this.client.socket().available() > 0) {
				return;
			}
		}
		throw new AssertionError("nothing available");
	}

}
