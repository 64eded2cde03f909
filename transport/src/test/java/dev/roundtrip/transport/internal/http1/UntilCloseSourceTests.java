package dev.roundtrip.transport.internal.http1;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UntilCloseSourceTests {

	@Test
	void everythingUntilTheEndOfTheStreamIsTheBody() throws IOException {
		Http1Source source = new Http1Source(ScriptedInputStream.of("HTTP/1.0 200 OK\r\n\r\nfirst ", "second"), 8192);
		ResponseParser.readHead(source, 1024);
		UntilCloseSource body = new UntilCloseSource(source);
		assertThat(body.available()).isEqualTo(6);
		assertThat(body.isComplete()).isFalse();
		assertThat(ChunkedSourceTests.readAll(body)).isEqualTo("first second");
		assertThat(body.isComplete()).isTrue();
		assertThat(body.read()).isEqualTo(-1);
		assertThat(body.available()).isZero();
	}

	@Test
	void singleByteReadsAndSkipReachTheEnd() throws IOException {
		UntilCloseSource body = new UntilCloseSource(ResponseParserTests.source("abcd"));
		assertThat(body.read()).isEqualTo('a');
		assertThat(body.skip(2)).isEqualTo(2);
		assertThat(body.read()).isEqualTo('d');
		assertThat(body.skip(2)).isZero();
		assertThat(body.read()).isEqualTo(-1);
		assertThat(body.isComplete()).isTrue();
	}

}
