package metal

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hybridgroup/yzma/pkg/llama"
)

// FallbackChatFormat documents how Generate formats Messages for a model
// that has no chat template (tokenizer.chat_template): each message on its
// own line as "<Role>: <content>", the role capitalized, followed by the
// opened assistant turn "Assistant:". For example:
//
//	System: You tell short stories.
//	User: A story about a cat.
//	Assistant:
const FallbackChatFormat = "<Role>: <content>\\n ... Assistant:"

// FormatChat returns the prompt text Generate would evaluate for messages:
// the model's chat template applied with an assistant turn opened, or the
// FallbackChatFormat.
func (m *Model) FormatChat(messages []ChatMessage) (string, error) {
	if err := m.acquire(); err != nil {
		return "", err
	}
	defer m.release()
	return m.formatChat(messages)
}

func (m *Model) formatChat(messages []ChatMessage) (string, error) {
	if len(messages) == 0 {
		return "", fmt.Errorf("%w: no messages", ErrBadRequest)
	}
	size := 0
	for i, msg := range messages {
		if msg.Role == "" {
			return "", fmt.Errorf("%w: message %d has no role", ErrBadRequest, i)
		}
		if strings.IndexByte(msg.Role, 0) >= 0 || strings.IndexByte(msg.Content, 0) >= 0 {
			return "", fmt.Errorf("%w: message %d contains a NUL byte", ErrBadRequest, i)
		}
		size += len(msg.Role) + len(msg.Content)
	}
	if size > maxTextBytes/2 {
		return "", fmt.Errorf("%w: messages of %d bytes are too long", ErrBadRequest, size)
	}
	tmpl := m.info.ChatTemplate
	if tmpl == "" {
		return fallbackChat(messages), nil
	}
	chat := make([]llama.ChatMessage, len(messages))
	for i, msg := range messages {
		chat[i] = llama.NewChatMessage(msg.Role, msg.Content)
	}
	buf := make([]byte, 2*size+1024)
	n := llama.ChatApplyTemplate(tmpl, chat, true, buf)
	if int(n) > len(buf) {
		buf = make([]byte, n)
		n = llama.ChatApplyTemplate(tmpl, chat, true, buf)
	}
	if n < 0 || int(n) > len(buf) {
		return "", fmt.Errorf("%w: llama.cpp does not recognize this model's chat template (llama_chat_apply_template returned %d)", ErrNotSupported, n)
	}
	return string(buf[:n]), nil
}

func fallbackChat(messages []ChatMessage) string {
	var b strings.Builder
	for _, msg := range messages {
		r, n := utf8.DecodeRuneInString(msg.Role)
		b.WriteRune(unicode.ToUpper(r))
		b.WriteString(msg.Role[n:])
		b.WriteString(": ")
		b.WriteString(msg.Content)
		b.WriteString("\n")
	}
	b.WriteString("Assistant:")
	return b.String()
}
