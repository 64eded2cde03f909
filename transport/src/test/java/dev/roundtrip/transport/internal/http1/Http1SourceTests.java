package dev.roundtrip.transport.internal.http1;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class Http1SourceTests {

	@Test
	void readServesBufferedBytesBeforeTouchingTheStream() throws IOException {
		ScriptedInputStream in = ScriptedInputStream.of("abcdef", "ghi");
		Http1Source source = new Http1Source(in, 16);
		byte[] bytes = new byte[16];
		assertThat(source.read(bytes, 0, 2)).isEqualTo(2);
		assertThat(source.buffered()).isEqualTo(4);
		assertThat(source.read(bytes, 0, 16)).isEqualTo(4);
		assertThat(in.reads()).isEqualTo(1);
		assertThat(source.buffered()).isZero();
	}

	@Test
	void readMakesAtMostOneReadOfTheStream() throws IOException {
		ScriptedInputStream in = ScriptedInputStream.of("ab", "cd");
		Http1Source source = new Http1Source(in, 16);
		assertThat(source.read(new byte[8], 0, 8)).isEqualTo(2);
		assertThat(in.reads()).isEqualTo(1);
	}

	@Test
	void readOfAtLeastTheBufferSizeBypassesAnEmptyBuffer() throws IOException {
		Http1Source source = new Http1Source(ScriptedInputStream.of("abcdefghij"), 4);
		byte[] bytes = new byte[8];
		assertThat(source.read(bytes, 0, 8)).isEqualTo(8);
		assertThat(source.buffered()).isZero();
		assertThat(source.read()).isEqualTo('i');
		assertThat(source.buffered()).isEqualTo(1);
	}

	@Test
	void endOfStreamIsMinusOne() throws IOException {
		Http1Source source = new Http1Source(ScriptedInputStream.of("a"), 4);
		assertThat(source.read()).isEqualTo('a');
		assertThat(source.read()).isEqualTo(-1);
		assertThat(source.read(new byte[4], 0, 4)).isEqualTo(-1);
		assertThat(source.read(new byte[4], 0, 0)).isZero();
		assertThat(source.skip(3)).isEqualTo(-1);
	}

	@Test
	void bytesAboveSevenBitsAreReadUnsigned() throws IOException {
		assertThat(ResponseParserTests.source("\u00ff").read()).isEqualTo(0xff);
	}

	@Test
	void bufferSizeMustBePositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Http1Source(ScriptedInputStream.of(), 0))
			.withMessage("bufferSize must be positive, was 0");
	}

}
