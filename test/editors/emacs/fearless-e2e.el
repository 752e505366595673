;;; fearless-e2e.el --- Drive the Fearless language server from Emacs + eglot  -*- lexical-binding: t -*-

;; Run by test/editors/emacs.test.ts as `emacs --batch -Q -l fearless-e2e.el`: opens a file through
;; eglot, reads the diagnostics Flymake shows, picks the preferred code action, types a line.
;; Everything comes in through the environment; the JSON written to FEARLESS_OUT has the shape of
;; EditorResult in test/editors/support/harness.ts.

;; -Q skips Debian's elpa, where elpa-eglot lives.
(require 'package)
(setq package-directory-list '("/usr/share/emacs/site-lisp/elpa"))
(package-initialize)
(require 'eglot)
(require 'json)
(require 'cl-lib)

;; emacs -Q has no TypeScript mode, and eglot only needs a major mode to attach to.
(define-derived-mode fearless-ts-mode prog-mode "TS")

(defun fearless-env (name)
  (or (getenv name) (error "%s is not set" name)))

(defconst fearless-out (fearless-env "FEARLESS_OUT"))
(defconst fearless-step-seconds (/ (string-to-number (fearless-env "FEARLESS_STEP_TIMEOUT_MS")) 1000.0))
(defconst fearless-deadline-seconds (/ (string-to-number (fearless-env "FEARLESS_DEADLINE_MS")) 1000.0))
(defvar fearless-stage "starting")
(defvar fearless-published-version nil)

;; Nothing beside the file in the scratch project, and `eglot' returns only once connected.
(setq make-backup-files nil create-lockfiles nil auto-save-default nil eglot-sync-connect t)

(defun fearless-write (result)
  (with-temp-file fearless-out (insert (json-encode result))))

;; Every wait below is bounded, but a hang inside eglot would not be; timers still run while
;; Emacs waits for process output.
(run-at-time fearless-deadline-seconds nil
             (lambda ()
               (fearless-write `((errors . [,(format "hard deadline of %s s passed while %s"
                                                     fearless-deadline-seconds fearless-stage)])))
               (kill-emacs 3)))

(defun fearless-wait (what predicate)
  (setq fearless-stage (concat "waiting for " what))
  (let ((deadline (+ (float-time) fearless-step-seconds)))
    (while (not (funcall predicate))
      (when (> (float-time) deadline)
        (error "Timed out after %s s" fearless-step-seconds))
      (accept-process-output nil 0.01))))

;; The server publishes once per analysed version; waiting for the buffer's current version (not
;; just "some diagnostics") is what makes each step read the result of its own edit.
(cl-defmethod eglot-handle-notification :after
  (_server (_method (eql textDocument/publishDiagnostics)) &key uri version &allow-other-keys)
  (when (equal (expand-file-name (eglot--uri-to-path uri)) (expand-file-name (fearless-env "FEARLESS_FILE")))
    (setq fearless-published-version version)))

(defun fearless-diagnostic-lsp (diagnostic)
  (alist-get 'eglot-lsp-diag (flymake-diagnostic-data diagnostic)))

(defun fearless-analysed ()
  ;; eglot sends edits to the server from an idle timer, and batch Emacs is never idle.
  (eglot--signal-textDocument/didChange)
  (let ((buffer (current-buffer)))
    (fearless-wait (format "diagnostics for version %s" eglot--versioned-identifier)
                   (lambda () (with-current-buffer buffer
                                (equal fearless-published-version eglot--versioned-identifier)))))
  (vconcat
   (cl-loop for d in (flymake-diagnostics)
            for lsp = (fearless-diagnostic-lsp d)
            when (equal (plist-get lsp :source) "fearless")
            collect `((line . ,(1- (line-number-at-pos (flymake-diagnostic-beg d))))
                      (rule . ,(plist-get lsp :code))
                      (severity . ,(plist-get lsp :severity))))))

(defun fearless-buffer-text ()
  (buffer-substring-no-properties (point-min) (point-max)))

(defun fearless-run ()
  (let ((rule (fearless-env "FEARLESS_RULE"))
        (insert-line (string-to-number (fearless-env "FEARLESS_INSERT_LINE")))
        (result '()))
    (find-file (fearless-env "FEARLESS_FILE"))
    (fearless-ts-mode)
    (setq fearless-stage "connecting")
    (eglot '(fearless-ts-mode) (cons 'transient (fearless-env "FEARLESS_ROOT")) 'eglot-lsp-server
           (list (fearless-env "FEARLESS_NODE") (fearless-env "FEARLESS_SERVER") "--stdio") "typescript")
    ;; Flymake hands eglot the function that reports diagnostics; without it eglot only stores them.
    (flymake-start)
    (push (cons 'opened (fearless-analysed)) result)

    (let ((target (car (sort (cl-remove-if-not (lambda (d) (equal (plist-get (fearless-diagnostic-lsp d) :code) rule))
                                               (flymake-diagnostics))
                             (lambda (a b) (< (flymake-diagnostic-beg a) (flymake-diagnostic-beg b))))))
          (actions nil))
      (unless target (error "No %s diagnostic to ask code actions for" rule))
      (setq fearless-stage "asking for code actions")
      ;; eglot's own menu: it offers the preferred action as the default, which a user takes with
      ;; RET. A non-list `last-nonmenu-event' means "invoked from the keyboard", not a mouse popup.
      (let ((completing-read-function
             (lambda (_prompt collection &optional _predicate _require-match _initial _history default &rest _)
               (setq actions (mapcar (lambda (item)
                                       (let ((action (cdr item)))
                                         `((title . ,(plist-get action :title))
                                           (kind . ,(plist-get action :kind))
                                           (isPreferred . ,(if (eq (plist-get action :isPreferred) t) t :json-false)))))
                                     collection))
               default))
            (last-nonmenu-event ?\r))
        (eglot-code-actions (flymake-diagnostic-beg target) (flymake-diagnostic-end target) nil t))
      (push (cons 'actions (vconcat actions)) result))
    (push (cons 'fixed `((text . ,(fearless-buffer-text)) (diagnostics . ,(fearless-analysed)))) result)

    (save-excursion
      (goto-char (point-min))
      (forward-line insert-line)
      (insert (fearless-env "FEARLESS_INSERT_TEXT") "\n"))
    (push (cons 'changed `((text . ,(fearless-buffer-text)) (diagnostics . ,(fearless-analysed)))) result)

    (setq fearless-stage "shutting the server down")
    (eglot-shutdown (eglot-current-server))
    result))

(let ((result nil) (errors nil))
  (condition-case err
      (setq result (fearless-run))
    (error (push (format "%s (while %s)" (error-message-string err) fearless-stage) errors)))
  (fearless-write (cons (cons 'errors (vconcat errors)) result))
  (kill-emacs (if errors 1 0)))

;;; fearless-e2e.el ends here
